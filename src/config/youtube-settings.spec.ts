import { NetworkTargets } from './network-targets';
import { loadTestSettings as load, settingsProblems as problems } from '../../test/support/settings';

describe("YouTube's settings", () => {
  it('defaults to Google’s API and token endpoint and a 10,000-unit day, with YouTube not configured', () => {
    const s = load({});
    expect(s.youtube).toEqual({
      apiKey: null,
      apiUrl: 'https://www.googleapis.com/youtube/v3/',
      oauthClientId: null,
      oauthClientSecret: null,
      oauthRefreshToken: null,
      oauthTokenUrl: 'https://oauth2.googleapis.com/token',
      dailyQuota: 10000,
    });
    expect(new NetworkTargets(s).get('youtube')).toBeNull();
  });

  it('reads with the key alone; replies need the whole OAuth grant', () => {
    const readOnly = new NetworkTargets(
      load({ YOUTUBE_API_KEY: 'AIza-key', YOUTUBE_API_URL: 'http://127.0.0.1:9/youtube/v3', YOUTUBE_DAILY_QUOTA: '50000' }),
    );
    expect(readOnly.get('youtube')).toEqual({
      apiUrl: 'http://127.0.0.1:9/youtube/v3/',
      apiKey: 'AIza-key',
      dailyQuota: 50000,
      oauth: null,
    });
    const grant = {
      YOUTUBE_OAUTH_CLIENT_ID: 'id.apps.googleusercontent.com',
      YOUTUBE_OAUTH_CLIENT_SECRET: 'shh',
      YOUTUBE_OAUTH_REFRESH_TOKEN: '1//refresh',
    };
    expect(new NetworkTargets(load({ YOUTUBE_API_KEY: 'AIza-key', ...grant })).get('youtube')?.oauth).toEqual({
      tokenUrl: 'https://oauth2.googleapis.com/token',
      clientId: grant.YOUTUBE_OAUTH_CLIENT_ID,
      clientSecret: 'shh',
      refreshToken: '1//refresh',
    });
    expect(problems({ YOUTUBE_OAUTH_CLIENT_ID: 'id', YOUTUBE_OAUTH_CLIENT_SECRET: 'shh' })).toEqual([
      expect.stringMatching(/^YOUTUBE_OAUTH_REFRESH_TOKEN \(youtube.oauthRefreshToken\): .*set all three or none/),
    ]);
    expect(problems({ YOUTUBE_DAILY_QUOTA: '0' })).toEqual([expect.stringMatching(/^YOUTUBE_DAILY_QUOTA/)]);
    expect(problems({ GOOGLE_OAUTH_TOKEN_URL: 'ftp://example.com/token' })).toEqual([expect.stringMatching(/^GOOGLE_OAUTH_TOKEN_URL/)]);
  });
});
