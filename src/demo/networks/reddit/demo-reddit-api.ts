import { randomBytes } from 'node:crypto';
import { runDemoTraffic, type DemoNetwork, type DemoTrafficOptions } from '../../traffic/demo-network-sink';
import { RedditEmulator, REDDIT_EMULATOR_CLIENT_ID, REDDIT_EMULATOR_USER_AGENT } from './reddit-emulator';
import { RedditStore, type StoredRedditUser, type StoredSubmission } from './reddit-store';
import { LUMI_BRAND } from '../../traffic/demo-brand';

/** The subreddit the demo topic watches: customers' comments land in its weekly thread. */
export const DEMO_SUBREDDIT = 'banking';
/** Where customers' own submissions about the brand go. */
const SEARCH_SUBREDDIT = 'personalfinance';

/** A post's first line as a submission's title (Reddit's titles are at most 300 characters). */
const titleOf = (text: string) => {
  const line = text.split('\n')[0].trim();
  return line.length <= 300 ? line : `${line.slice(0, 297)}...`;
};

/**
 * The Reddit store as a network the demo's traffic generator posts to: the brand's posts are
 * submissions in its own subreddit; a customer's post is a submission in r/personalfinance (found
 * by search) or, every other one, a comment in r/banking's weekly thread (found by watching the
 * subreddit); replies are comments under what they answer; reposts are crossposts, likes the score.
 */
export function redditDemoNetwork(store: RedditStore, owned: ReadonlySet<string>): DemoNetwork {
  let weekly: StoredSubmission | null = null;
  let customerPosts = 0;
  const userOf = (name: string): StoredRedditUser => store.user(name) ?? store.addUser({ name });
  return {
    account: (username, _name, followers) => {
      const user = store.user(username);
      if (user) user.subscribers = followers;
      else store.addUser({ name: username, subscribers: followers });
    },
    post: (p) => {
      const author = userOf(p.author);
      if (p.replyTo) {
        const parent = store.thing(p.replyTo);
        if (parent) {
          const on = parent.kind === 't3' ? parent.item : store.submissionOf(parent.item);
          return `t1_${store.addComment({ author, on, parent: p.replyTo, body: p.text, createdAt: p.createdAt }).id}`;
        }
      }
      if (owned.has(p.author.toLowerCase()))
        return `t3_${store.addSubmission({ author, subreddit: 'Lumi', title: titleOf(p.text), createdAt: p.createdAt }).id}`;
      if (customerPosts++ % 2 === 0)
        return `t3_${store.addSubmission({ author, subreddit: SEARCH_SUBREDDIT, title: titleOf(p.text), selftext: p.text.length > 300 ? p.text : '', createdAt: p.createdAt }).id}`;
      weekly ??= store.addSubmission({
        author: userOf('AutoModerator'),
        subreddit: DEMO_SUBREDDIT,
        title: 'Weekly banking discussion thread',
        createdAt: new Date(p.createdAt.getTime() - 60_000),
      });
      return `t1_${store.addComment({ author, on: weekly, body: p.text, createdAt: p.createdAt }).id}`;
    },
    repost: (_author, id) => {
      const thing = store.thing(id);
      if (thing?.kind === 't3') thing.item.numCrossposts += 1;
    },
    setCounts: (id, m) => {
      const thing = store.thing(id);
      if (!thing) return;
      thing.item.score = m.like_count;
      if (thing.kind === 't3') thing.item.numCrossposts = m.retweet_count;
    },
  };
}

export interface DemoRedditApi {
  emulator: RedditEmulator;
  apiUrl: string;
  authUrl: string;
  clientId: string;
  clientSecret: string;
  userAgent: string;
  /** the brand's script account (the first owned account), to reply from the inbox */
  account: { username: string; password: string };
  ownedHandles: string[];
  subreddits: string[];
  stop(): Promise<void>;
}

/**
 * The demo's Reddit: the emulator on plain HTTP at 127.0.0.1 with a week of the fictional brand's
 * traffic from the demo generator (its own seed), and live traffic until stop(). Credentials are
 * made at start-up.
 */
export async function startDemoRedditApi(options: Partial<DemoTrafficOptions> = {}): Promise<DemoRedditApi> {
  const store = new RedditStore();
  // the generator's brand accounts (its main and care accounts) post submissions, not customers' posts
  const owned = new Set([LUMI_BRAND.mainAccount.username, LUMI_BRAND.careAccount.username].map((u) => u.toLowerCase()));
  const traffic = runDemoTraffic(redditDemoNetwork(store, owned), {
    ...options,
    seed: options.seed ?? 'ouvidor-demo-reddit',
    mentionsPerDay: options.mentionsPerDay ?? 30,
  });
  const ownedHandles = traffic.ownedUsernames.map((u) => u.toLowerCase());
  const clientSecret = randomBytes(18).toString('base64url');
  const account = { username: traffic.ownedUsernames[0], password: randomBytes(18).toString('base64url') };
  const emulator = new RedditEmulator({ store, clientSecret, account, rateLimit: { limit: 6000, windowSeconds: 600 } });
  const { apiUrl, authUrl } = await emulator.start();
  return {
    emulator,
    apiUrl,
    authUrl,
    clientId: REDDIT_EMULATOR_CLIENT_ID,
    clientSecret,
    userAgent: REDDIT_EMULATOR_USER_AGENT,
    account,
    ownedHandles,
    subreddits: [DEMO_SUBREDDIT],
    async stop() {
      traffic.stop();
      await emulator.stop();
    },
  };
}
