import { NetworkTargets } from './network-targets';
import { loadTestSettings as load, settingsProblems as problems } from '../../test/support/settings';

const app = { REDDIT_CLIENT_ID: 'abc', REDDIT_CLIENT_SECRET: 'shh', REDDIT_USER_AGENT: 'server:ouvidor:1.0 (by /u/acmebank)' };

describe("Reddit's settings", () => {
  it('defaults to the OAuth host and the token endpoint, with Reddit not configured', () => {
    const s = load({});
    expect(s.reddit).toEqual({
      clientId: null,
      clientSecret: null,
      userAgent: null,
      username: null,
      password: null,
      apiUrl: 'https://oauth.reddit.com/',
      authUrl: 'https://www.reddit.com/api/v1/access_token',
    });
    expect(new NetworkTargets(s).get('reddit')).toBeNull();
  });

  it('configures reads with the app, and replies only with the script account', () => {
    expect(new NetworkTargets(load({ ...app, REDDIT_API_URL: 'http://127.0.0.1:9/x' })).get('reddit')).toEqual({
      apiUrl: 'http://127.0.0.1:9/x/',
      authUrl: 'https://www.reddit.com/api/v1/access_token',
      clientId: 'abc',
      clientSecret: 'shh',
      userAgent: app.REDDIT_USER_AGENT,
      account: null,
    });
    expect(new NetworkTargets(load({ ...app, REDDIT_USERNAME: 'acmebank', REDDIT_PASSWORD: 'pw' })).get('reddit')?.account).toEqual({
      username: 'acmebank',
      password: 'pw',
    });
  });

  it('names what is missing', () => {
    expect(problems({ REDDIT_CLIENT_ID: 'abc', REDDIT_USER_AGENT: 'ua' })).toEqual([
      expect.stringMatching(/^REDDIT_CLIENT_SECRET \(reddit.clientSecret\): REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET go together/),
    ]);
    expect(problems({ REDDIT_CLIENT_ID: 'abc', REDDIT_CLIENT_SECRET: 'shh' })).toEqual([
      expect.stringMatching(/^REDDIT_USER_AGENT \(reddit.userAgent\): REDDIT_USER_AGENT is required/),
    ]);
    expect(problems({ ...app, REDDIT_USERNAME: 'acmebank' })).toEqual([
      expect.stringMatching(/^REDDIT_PASSWORD \(reddit.password\): REDDIT_USERNAME and REDDIT_PASSWORD go together/),
    ]);
    expect(problems({ REDDIT_USERNAME: 'acmebank', REDDIT_PASSWORD: 'pw' })).toEqual([
      expect.stringMatching(/^REDDIT_USERNAME \(reddit.username\): REDDIT_USERNAME needs REDDIT_CLIENT_ID/),
    ]);
    expect(problems({ REDDIT_AUTH_URL: 'ftp://x' })).toEqual([expect.stringMatching(/^REDDIT_AUTH_URL/)]);
  });
});
