import { loadSettings } from './settings';
import { NetworkTargets, networkTargetsFromSettings } from './network-targets';

describe('NetworkTargets', () => {
  const settingsWith = (env: Record<string, string>) => loadSettings({ DATA_DIR: '/tmp/ouvidor-network-targets', ...env });

  it('reads each network from the settings, null when its credentials are unset', () => {
    const targets = networkTargetsFromSettings(
      settingsWith({
        X_BEARER_TOKEN: 'x-token',
        BLUESKY_IDENTIFIER: 'lumi.bsky.social',
        BLUESKY_APP_PASSWORD: 'app-pass',
        MASTODON_URL: 'https://social.example',
        MASTODON_ACCESS_TOKEN: 'm-token',
      }),
    );
    expect(targets.x).toEqual({ baseUrl: 'https://api.x.com/2/', bearerToken: 'x-token' });
    expect(targets.bluesky).toEqual({ service: 'https://bsky.social', identifier: 'lumi.bsky.social', password: 'app-pass' });
    expect(targets.mastodon).toEqual({ url: 'https://social.example', accessToken: 'm-token' });
    expect(networkTargetsFromSettings(settingsWith({}))).toMatchObject({ x: null, bluesky: null, mastodon: null });
  });

  it('takes another endpoint for a network and leaves the settings as they were', () => {
    const settings = settingsWith({});
    const targets = new NetworkTargets(settings);
    expect(targets.configured('mastodon')).toBe(false);
    targets.set('mastodon', { url: 'http://127.0.0.1:9', accessToken: 'local' });
    expect(targets.configured('mastodon')).toBe(true);
    expect(targets.get('mastodon')).toEqual({ url: 'http://127.0.0.1:9', accessToken: 'local' });
    expect(settings.mastodon).toEqual({ url: null, accessToken: null });
  });
});
