import {
  YOUTUBE_EMULATOR_API_KEY,
  YOUTUBE_EMULATOR_CLIENT,
  YouTubeEmulator,
  type YouTubeEmulatorOptions,
} from '../../src/demo/networks/youtube/youtube-emulator';

export { YouTubeEmulator as YouTubeTestServer } from '../../src/demo/networks/youtube/youtube-emulator';
export type { YouTubeFault, YouTubeRequest as YouTubeTestRequest } from '../../src/demo/networks/youtube/youtube-emulator';

/**
 * A local server that answers like the YouTube Data API v3 and Google's OAuth token endpoint (the
 * emulator), over plain HTTP on 127.0.0.1 (`YOUTUBE_API_URL` and `GOOGLE_OAUTH_TOKEN_URL` accept
 * http:// for this). `settings` is what the application needs to read it and to reply through it.
 */
export async function startYouTubeTestServer(options: Omit<YouTubeEmulatorOptions, 'tls'> = {}) {
  const server = new YouTubeEmulator(options);
  const { apiUrl, tokenUrl } = await server.start();
  const settings = {
    apiKey: YOUTUBE_EMULATOR_API_KEY,
    apiUrl,
    oauthClientId: YOUTUBE_EMULATOR_CLIENT.clientId,
    oauthClientSecret: YOUTUBE_EMULATOR_CLIENT.clientSecret,
    oauthRefreshToken: YOUTUBE_EMULATOR_CLIENT.refreshToken,
    oauthTokenUrl: tokenUrl,
  };
  return { server, settings };
}
