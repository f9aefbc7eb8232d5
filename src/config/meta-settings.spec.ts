import { NetworkTargets } from './network-targets';
import { loadTestSettings as load, settingsProblems as problems } from '../../test/support/settings';

describe("Meta's settings", () => {
  it('defaults to Graph v24.0 and 30 days of backfill, with no channel configured', () => {
    const s = load({});
    expect(s.meta).toEqual({
      accessToken: null,
      appSecret: null,
      webhookVerifyToken: null,
      graphUrl: 'https://graph.facebook.com/v24.0/',
      whatsappPhoneNumberId: null,
    });
    expect(s.backfillDays).toBe(30);
    const targets = new NetworkTargets(s);
    expect(targets.missingSettings('facebook')).toEqual(['META_ACCESS_TOKEN', 'META_APP_SECRET']);
    expect(targets.missingSettings('whatsapp')).toEqual([
      'META_ACCESS_TOKEN',
      'META_APP_SECRET',
      'META_WEBHOOK_VERIFY_TOKEN',
      'WHATSAPP_PHONE_NUMBER_ID',
    ]);
    expect(targets.missingSettings('x')).toEqual([]);
  });

  it("takes all of a channel's settings or none", () => {
    expect(problems({ META_ACCESS_TOKEN: 'EAAB' })).toEqual([
      expect.stringMatching(/^META_APP_SECRET \(meta.appSecret\): META_ACCESS_TOKEN and META_APP_SECRET go together/),
    ]);
    expect(problems({ META_APP_SECRET: 's' })).toEqual([expect.stringMatching(/^META_ACCESS_TOKEN \(meta.accessToken\): /)]);
    expect(problems({ META_ACCESS_TOKEN: 'EAAB', META_APP_SECRET: 's', WHATSAPP_PHONE_NUMBER_ID: '106540352242922' })).toEqual([
      expect.stringMatching(/^WHATSAPP_PHONE_NUMBER_ID .*needs META_WEBHOOK_VERIFY_TOKEN too/),
    ]);
    expect(problems({ META_GRAPH_URL: 'ftp://graph.example/' })).toEqual([expect.stringMatching(/^META_GRAPH_URL/)]);
    expect(problems({ BACKFILL_DAYS: '0' })).toEqual([expect.stringMatching(/^BACKFILL_DAYS/)]);
  });

  it('configures Facebook and Instagram with the token and secret, a plain-HTTP Graph URL for tests, and adds the trailing slash', () => {
    const s = load({ META_ACCESS_TOKEN: 'EAAB', META_APP_SECRET: 's', META_GRAPH_URL: 'http://127.0.0.1:9999/v24.0', BACKFILL_DAYS: '7' });
    const targets = new NetworkTargets(s);
    expect(targets.get('meta')).toEqual({
      graphUrl: 'http://127.0.0.1:9999/v24.0/',
      accessToken: 'EAAB',
      appSecret: 's',
      webhookVerifyToken: null,
    });
    expect(targets.missingSettings('instagram')).toEqual([]);
    expect(targets.get('whatsapp')).toBeNull();
    expect(s.backfillDays).toBe(7);
  });
});
