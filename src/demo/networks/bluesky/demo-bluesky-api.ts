import { randomBytes } from 'node:crypto';
import { runDemoTraffic, type DemoNetwork, type DemoTrafficOptions } from '../../traffic/demo-network-sink';
import { BlueskyEmulator } from './bluesky-emulator';

/** `lumi_br` on X → `lumi-br.bsky.social` on Bluesky (handles are domain names: no underscores). */
export const blueskyHandleFor = (username: string) => `${username.toLowerCase().replace(/_/g, '-')}.bsky.social`;

const MENTION = /(^|[^\p{L}\p{N}_@])@([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@.])/gu;

/** The Bluesky emulator as a network the demo's traffic generator can post to. */
export function blueskyDemoNetwork(emulator: BlueskyEmulator): DemoNetwork {
  return {
    account: (username, name, followers) =>
      void emulator.addUser({ handle: blueskyHandleFor(username), displayName: name, followersCount: followers }),
    // a post's id is its at-uri; `@username` in a text follows the account to its handle
    post: (p) =>
      emulator.addPost({
        author: blueskyHandleFor(p.author),
        text: p.text.replace(MENTION, (_m, before: string, username: string) => `${before}@${blueskyHandleFor(username)}`),
        createdAt: p.createdAt,
        langs: p.lang ? [p.lang] : undefined,
        replyTo: p.replyTo,
      }).uri,
    repost: (author, uri, at) => emulator.addRepost(blueskyHandleFor(author), uri, at),
    // Bluesky has no view counts
    setCounts: (uri, m) =>
      emulator.setCounts(uri, {
        likeCount: m.like_count,
        repostCount: m.retweet_count,
        quoteCount: m.quote_count,
        replyCount: m.reply_count,
      }),
  };
}

export interface DemoBlueskyApi {
  emulator: BlueskyEmulator;
  baseUrl: string;
  /** the account the collector logs in as, and its app password (made at start-up) */
  identifier: string;
  password: string;
  /** the brand's accounts on Bluesky */
  ownedHandles: string[];
  stop(): Promise<void>;
}

/** Seed, days, tick and volume of the demo traffic (defaults: a week, every 20 s, fewer mentions than on X). */
export type DemoBlueskyApiOptions = Partial<DemoTrafficOptions>;

/**
 * The demo's Bluesky: the emulator on plain HTTP at 127.0.0.1 (as a local PDS in development),
 * a week of the same fictional brand's traffic from the X demo's generator with its own seed, and
 * live traffic until stop().
 */
export async function startDemoBlueskyApi(options: DemoBlueskyApiOptions = {}): Promise<DemoBlueskyApi> {
  const password = randomBytes(12).toString('base64url');
  const emulator = new BlueskyEmulator({ password, recordRequests: false });
  const traffic = runDemoTraffic(blueskyDemoNetwork(emulator), {
    ...options,
    seed: options.seed ?? 'ouvidor-demo-bluesky',
    mentionsPerDay: options.mentionsPerDay ?? 60,
  });
  const { baseUrl } = await emulator.start();
  const ownedHandles = traffic.ownedUsernames.map(blueskyHandleFor);
  return {
    emulator,
    baseUrl,
    identifier: ownedHandles[0],
    password,
    ownedHandles,
    async stop() {
      traffic.stop();
      await emulator.stop();
    },
  };
}
