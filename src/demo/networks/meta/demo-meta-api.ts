import { LUMI_BRAND } from '../../traffic/demo-brand';
import { runDemoTraffic, type DemoNetwork, type DemoTrafficOptions } from '../../traffic/demo-network-sink';
import { SeededRandom } from '../shared/seeded-random';
import { META_EMULATOR_APP_SECRET, META_EMULATOR_TOKEN, MetaGraphEmulator } from './meta-graph-emulator';
import { MetaGraphStore } from './meta-graph-store';

/** The demo brand's Facebook Page and Instagram professional account (fixed: the demo topic names them). */
export const DEMO_FACEBOOK_PAGE_ID = '104882537613452';
export const DEMO_INSTAGRAM_ACCOUNT_ID = '17841405309211844';

/** The brand's accounts as the traffic generator names them (both become the one Page / account). */
const BRAND_USERNAMES = new Set([LUMI_BRAND.mainAccount.username, LUMI_BRAND.careAccount.username].map((u) => u.toLowerCase()));
const isBrand = (username: string) => BRAND_USERNAMES.has(username.toLowerCase());

/**
 * The demo's traffic on a Facebook Page: the brand's posts are Page posts (likes → reactions,
 * reposts → shares), what people say is mostly a comment on the Page's latest post, else a visitor
 * post or a post tagging the Page; replies thread under the comment they answer (Facebook threads
 * one level deep), the brand's replies as the Page's.
 */
export function facebookDemoNetwork(store: MetaGraphStore, pageId: string, seed: string): DemoNetwork {
  const random = new SeededRandom(seed);
  const users = new Map<string, { id: string; name: string }>();
  const page = store.pages.get(pageId)!;
  const actor = (username: string) =>
    isBrand(username)
      ? { id: page.id, name: page.name }
      : (users.get(username.toLowerCase()) ??
        users.set(username.toLowerCase(), store.addFbUser({ name: username })).get(username.toLowerCase())!);
  const latestPost = (at: Date) =>
    [...store.fbPosts.values()]
      .filter((p) => p.pageId === page.id && p.kind === 'published' && p.createdAt <= at)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  return {
    account: (username, name, followers) => {
      if (isBrand(username)) {
        page.followersCount = Math.max(page.followersCount, followers);
        page.fanCount = page.followersCount;
      } else if (!users.has(username.toLowerCase())) users.set(username.toLowerCase(), store.addFbUser({ name: name ?? username }));
    },
    post: ({ author, text, createdAt, replyTo }) => {
      const from = actor(author);
      if (replyTo) {
        const comment = store.fbComments.get(replyTo);
        if (comment)
          return store.addFbComment({ postId: comment.postId, parentId: comment.parentId ?? comment.id, from, message: text, createdAt })
            .id;
        if (store.fbPosts.has(replyTo)) return store.addFbComment({ postId: replyTo, from, message: text, createdAt }).id;
      }
      if (isBrand(author)) return store.addFbPost({ pageId: page.id, message: text, createdAt }).id;
      const onPost = latestPost(createdAt);
      const roll = random.next();
      if (onPost && roll < 0.8) return store.addFbComment({ postId: onPost.id, from, message: text, createdAt }).id;
      return store.addFbPost({ pageId: page.id, kind: roll < 0.9 ? 'visitor' : 'tagged', from, message: text, createdAt }).id;
    },
    repost: (_author, postId) => {
      const post = store.fbPosts.get(postId);
      if (post) post.shares += 1;
    },
    setCounts: (postId, m) => {
      const post = store.fbPosts.get(postId);
      if (!post) return;
      post.reactions = m.like_count;
      post.shares = Math.max(post.shares, m.retweet_count);
    },
  };
}

/**
 * The demo's traffic on an Instagram professional account: the brand's posts are its media, what
 * people say is mostly a comment on its latest media, else their own media tagging the account;
 * replies thread under the comment they answer. Instagram has no reposts or share counts.
 */
export function instagramDemoNetwork(store: MetaGraphStore, accountId: string, seed: string): DemoNetwork {
  const random = new SeededRandom(seed);
  const account = store.igUsers.get(accountId)!;
  const users = new Map<string, string>();
  const userId = (username: string) => {
    if (isBrand(username)) return account.id;
    const key = username.toLowerCase();
    return users.get(key) ?? users.set(key, store.addIgUser({ username: key.replace(/[^a-z0-9._]/g, '_').slice(0, 30) }).id).get(key)!;
  };
  const latestMedia = (at: Date) =>
    [...store.igMedia.values()]
      .filter((m) => m.owner.id === account.id && m.createdAt <= at)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  return {
    account: (username, _name, followers) => {
      if (isBrand(username)) account.followersCount = Math.max(account.followersCount, followers);
      else userId(username);
    },
    post: ({ author, text, createdAt, replyTo }) => {
      const fromId = userId(author);
      if (replyTo) {
        const comment = store.igComments.get(replyTo);
        if (comment)
          return store.addIgComment({ mediaId: comment.mediaId, parentId: comment.parentId ?? comment.id, fromId, text, createdAt }).id;
        if (store.igMedia.has(replyTo)) return store.addIgComment({ mediaId: replyTo, fromId, text, createdAt }).id;
      }
      if (isBrand(author))
        return store.addIgMedia({ ownerId: account.id, caption: text, createdAt, mediaType: random.chance(0.3) ? 'VIDEO' : 'IMAGE' }).id;
      const media = latestMedia(createdAt);
      if (media && random.chance(0.75)) return store.addIgComment({ mediaId: media.id, fromId, text, createdAt }).id;
      return store.addIgMedia({ ownerId: fromId, caption: `${text} @${account.username}`, createdAt, tagged: [account.id] }).id;
    },
    repost: () => undefined,
    setCounts: (postId, m) => {
      const media = store.igMedia.get(postId);
      if (media) media.likeCount = m.like_count;
    },
  };
}

export interface DemoMetaApi {
  emulator: MetaGraphEmulator;
  graphUrl: string;
  accessToken: string;
  appSecret: string;
  pageId: string;
  instagramAccountId: string;
  stop(): Promise<void>;
}

/**
 * Facebook and Instagram for `npm start`: one Graph emulator on plain HTTP at 127.0.0.1 with the
 * brand's Page and Instagram account and a week of bilingual traffic from the demo generator (each
 * network with its own seed), and live traffic until stop(). The demo's WhatsApp can share the
 * emulator (`startDemoWhatsApp({ emulator })`).
 */
export async function startDemoMetaApi(options: Partial<DemoTrafficOptions> = {}): Promise<DemoMetaApi> {
  // ids from the clock, so a restarted demo (same data directory) never reuses one; the Page and
  // the account keep theirs, which the demo topic names
  const emulator = new MetaGraphEmulator({
    recordRequests: false,
    store: new MetaGraphStore({ firstId: Math.floor(Date.now() / 1000) * 1000 }),
  });
  const store = emulator.store;
  const page = store.addPage({ id: DEMO_FACEBOOK_PAGE_ID, name: 'Lumi Banco', followersCount: 31_400 });
  const account = store.addIgUser({ id: DEMO_INSTAGRAM_ACCOUNT_ID, username: 'lumi.banco', name: 'Lumi', followersCount: 22_700 });
  const facebook = runDemoTraffic(facebookDemoNetwork(store, page.id, 'ouvidor-demo-facebook-shape'), {
    ...options,
    seed: options.seed ?? 'ouvidor-demo-facebook',
    mentionsPerDay: options.mentionsPerDay ?? 30,
  });
  const instagram = runDemoTraffic(instagramDemoNetwork(store, account.id, 'ouvidor-demo-instagram-shape'), {
    ...options,
    seed: options.seed ? `${options.seed}-ig` : 'ouvidor-demo-instagram',
    mentionsPerDay: options.mentionsPerDay ?? 35,
  });
  const { graphUrl } = await emulator.start();
  return {
    emulator,
    graphUrl,
    accessToken: META_EMULATOR_TOKEN,
    appSecret: META_EMULATOR_APP_SECRET,
    pageId: page.id,
    instagramAccountId: account.id,
    async stop() {
      facebook.stop();
      instagram.stop();
      await emulator.stop();
    },
  };
}
