import {
  REDDIT_EMULATOR_CLIENT_ID,
  REDDIT_EMULATOR_CLIENT_SECRET,
  REDDIT_EMULATOR_PASSWORD,
  REDDIT_EMULATOR_USER_AGENT,
  RedditEmulator,
  type RedditEmulatorOptions,
} from '../../src/demo/networks/reddit/reddit-emulator';

export { RedditEmulator as RedditTestServer } from '../../src/demo/networks/reddit/reddit-emulator';
export type { RedditFault, RedditRequest } from '../../src/demo/networks/reddit/reddit-emulator';

/**
 * A local server that answers like Reddit's API (the emulator) over plain HTTP on 127.0.0.1, with
 * a script account `username` to reply as. `reddit` is the settings block that points the app at it.
 */
export async function startRedditTestServer(username: string, options: Omit<RedditEmulatorOptions, 'tls' | 'account'> = {}) {
  const server = new RedditEmulator({ ...options, account: { username, password: REDDIT_EMULATOR_PASSWORD } });
  const { apiUrl, authUrl } = await server.start();
  return {
    server,
    reddit: {
      clientId: options.clientId ?? REDDIT_EMULATOR_CLIENT_ID,
      clientSecret: options.clientSecret ?? REDDIT_EMULATOR_CLIENT_SECRET,
      userAgent: REDDIT_EMULATOR_USER_AGENT,
      username,
      password: REDDIT_EMULATOR_PASSWORD,
      apiUrl,
      authUrl,
    },
  };
}
