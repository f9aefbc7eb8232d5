import { createHash, randomBytes } from 'node:crypto';
import { LUMI_BRAND } from '../../traffic/demo-brand';
import { runDemoTraffic, type DemoNetwork, type DemoTrafficOptions } from '../../traffic/demo-network-sink';
import { YOUTUBE_EMULATOR_API_KEY, YOUTUBE_EMULATOR_CLIENT, YouTubeEmulator } from './youtube-emulator';

/** A stable channel id (`UC` and 22 characters) for a demo username. */
export const demoChannelId = (username: string): string =>
  `UC${createHash('sha256').update(username.toLowerCase()).digest('base64url').slice(0, 22)}`;
const videoId = () => randomBytes(9).toString('base64url').slice(0, 11);
const commentId = () => `Ug${randomBytes(15).toString('base64url')}`;

/**
 * The YouTube emulator as a network the demo's traffic generator can post to. YouTube is videos
 * and their comments, so the generator's posts become: the brand's own posts → videos of the brand
 * channel (its care account answers as the same channel); a customer's post → a comment on the
 * brand's latest video (every fifth one a video of their own, for search); a reply → a reply in
 * the comment's thread. Reposts do not exist on YouTube and are dropped.
 */
export function youtubeDemoNetwork(emulator: YouTubeEmulator): DemoNetwork & { brandChannelId: string } {
  const brand = [LUMI_BRAND.mainAccount.username, LUMI_BRAND.careAccount.username].map((u) => u.toLowerCase());
  const brandChannelId = demoChannelId(brand[0]);
  const channelOf = (username: string) => (brand.includes(username.toLowerCase()) ? brandChannelId : demoChannelId(username));
  const brandVideos: { id: string; at: Date }[] = [];
  let standalone = 0;
  return {
    brandChannelId,
    account: (username, name, followers) => {
      if (username.toLowerCase() === brand[1]) return;
      emulator.addChannel({
        id: channelOf(username),
        handle: `@${username.toLowerCase()}`,
        title: name ?? username,
        subscribers: followers,
      });
    },
    post: (p) => {
      const author = channelOf(p.author);
      const parent = p.replyTo ? emulator.commentById(p.replyTo) : undefined;
      if (parent) {
        const top = parent.parentId ?? parent.id;
        const id = `${top}.${commentId()}`;
        emulator.addComment({
          id,
          videoId: parent.videoId,
          authorChannelId: author,
          parentId: top,
          text: p.text,
          publishedAt: p.createdAt,
        });
        return id;
      }
      const onVideo = p.replyTo && emulator.hasVideo(p.replyTo) ? p.replyTo : null;
      if (author === brandChannelId && !onVideo) {
        const id = videoId();
        emulator.addVideo({
          id,
          channelId: author,
          title: p.text.split('\n')[0].slice(0, 100),
          description: p.text,
          publishedAt: p.createdAt,
          likes: 0,
          views: 0,
        });
        brandVideos.push({ id, at: p.createdAt });
        return id;
      }
      const latest = onVideo ?? [...brandVideos].reverse().find((v) => v.at <= p.createdAt)?.id;
      if (!latest || (!onVideo && ++standalone % 5 === 0)) {
        const id = videoId();
        emulator.addVideo({
          id,
          channelId: author,
          title: p.text.slice(0, 100),
          description: p.text,
          publishedAt: p.createdAt,
          likes: 0,
          views: 0,
        });
        return id;
      }
      const id = commentId();
      emulator.addComment({ id, videoId: latest, authorChannelId: author, text: p.text, publishedAt: p.createdAt });
      return id;
    },
    repost: () => undefined,
    setCounts: (id, m) => emulator.setCounts(id, { likes: m.like_count, views: m.impression_count }),
  };
}

export interface DemoYouTubeApi {
  emulator: YouTubeEmulator;
  /** what the collector is given: the API, its key and the brand channel's OAuth grant at the emulator's token endpoint */
  target: {
    apiUrl: string;
    apiKey: string;
    dailyQuota: number;
    oauth: { tokenUrl: string; clientId: string; clientSecret: string; refreshToken: string };
  };
  ownedHandles: string[];
  stop(): Promise<void>;
}

/**
 * The demo's YouTube: the emulator on plain HTTP at 127.0.0.1, a week of the fictional brand's
 * traffic from the X demo's generator with its own seed, and live traffic until stop(). Its quota
 * is large, so the demo's minute-by-minute collection never pauses.
 */
export async function startDemoYouTubeApi(options: Partial<DemoTrafficOptions> = {}): Promise<DemoYouTubeApi> {
  const dailyQuota = 100_000_000;
  const emulator = new YouTubeEmulator({ dailyQuota, recordRequests: false });
  const network = youtubeDemoNetwork(emulator);
  emulator.grantChannelId = network.brandChannelId;
  const traffic = runDemoTraffic(network, {
    ...options,
    seed: options.seed ?? 'ouvidor-demo-youtube',
    mentionsPerDay: options.mentionsPerDay ?? 30,
  });
  const { apiUrl, tokenUrl } = await emulator.start();
  return {
    emulator,
    target: { apiUrl, apiKey: YOUTUBE_EMULATOR_API_KEY, dailyQuota, oauth: { tokenUrl, ...YOUTUBE_EMULATOR_CLIENT } },
    ownedHandles: [LUMI_BRAND.mainAccount.username.toLowerCase()],
    async stop() {
      traffic.stop();
      await emulator.stop();
    },
  };
}
