import { randomBytes } from 'node:crypto';
import { runDemoTraffic, type DemoNetwork, type DemoTrafficOptions } from '../../traffic/demo-network-sink';
import { MastodonEmulator } from './mastodon-emulator';

/** The Mastodon emulator as a network the demo's traffic generator can post to (usernames carry over as they are). */
export function mastodonDemoNetwork(emulator: MastodonEmulator): DemoNetwork {
  return {
    account: (username, name, followers) => void emulator.addUser({ username, displayName: name, followersCount: followers }),
    post: (p) =>
      emulator.addPost({ author: p.author, text: p.text, createdAt: p.createdAt, language: p.lang ?? null, replyTo: p.replyTo }).id,
    repost: (author, id, at) => void emulator.addReblog(author, id, at),
    // Mastodon has no view counts
    setCounts: (id, m) =>
      emulator.setCounts(id, {
        favouritesCount: m.like_count,
        reblogsCount: m.retweet_count,
        quotesCount: m.quote_count,
        repliesCount: m.reply_count,
      }),
  };
}

export interface DemoMastodonApi {
  emulator: MastodonEmulator;
  baseUrl: string;
  /** the read token the collector uses (made at start-up) */
  accessToken: string;
  /** the brand's accounts on the instance */
  ownedHandles: string[];
  stop(): Promise<void>;
}

/** Seed, days, tick and volume of the demo traffic (defaults: a week, every 20 s, fewer mentions than on X). */
export type DemoMastodonApiOptions = Partial<DemoTrafficOptions>;

/**
 * The demo's Mastodon instance: the emulator on plain HTTP at 127.0.0.1, a week of the fictional
 * brand's traffic from the X demo's generator with its own seed, and live traffic until stop().
 */
export async function startDemoMastodonApi(options: DemoMastodonApiOptions = {}): Promise<DemoMastodonApi> {
  const accessToken = randomBytes(16).toString('base64url');
  const emulator = new MastodonEmulator({
    accessToken,
    recordRequests: false,
    domain: 'social.lumi.example',
    rateLimit: { limit: 3000, windowSeconds: 300 },
  });
  const traffic = runDemoTraffic(mastodonDemoNetwork(emulator), {
    ...options,
    seed: options.seed ?? 'ouvidor-demo-mastodon',
    mentionsPerDay: options.mentionsPerDay ?? 40,
  });
  const { baseUrl } = await emulator.start();
  return {
    emulator,
    baseUrl,
    accessToken,
    ownedHandles: traffic.ownedUsernames.map((u) => u.toLowerCase()),
    async stop() {
      traffic.stop();
      await emulator.stop();
    },
  };
}
