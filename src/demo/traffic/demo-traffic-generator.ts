import { DateTime } from 'luxon';
import { foldText } from '../../common/text';
import { brandSearchQuery, LUMI_BRAND, type DemoAccount, type DemoBrand } from './demo-brand';
import {
  BRAND_REPLY_TEMPLATES,
  BRAND_SECOND_REPLY_TEMPLATES,
  CUSTOMER_REACTIONS,
  fillTemplate,
  FOLLOW_UP_TEMPLATES,
  MENTION_TEMPLATES,
  NAMES,
  NOISE_TEMPLATES,
  OFF_TOPIC_TEMPLATES,
  OWN_POST_TEMPLATES,
  roughen,
  type DemoLanguage,
  type MentionKind,
  type TemplateSlots,
} from './demo-phrases';
import { SeededRandom } from '../networks/shared/seeded-random';
import type { EmulatedTweet, EmulatedUser, NewTweet, NewUser, TweetPublicMetrics } from '../networks/x/x-emulator.types';

/** How many times faster than the history the live traffic runs (the generator's default). */
export const DEMO_LIVE_RATE_MULTIPLIER = 10;

/** What the generator needs from the emulator (XApiEmulator satisfies it). */
export interface DemoTrafficSink {
  addUser(user: NewUser): EmulatedUser;
  updateUser(idOrUsername: string, changes: Partial<Omit<NewUser, 'id' | 'username'>>): EmulatedUser;
  addTweet(tweet: NewTweet): EmulatedTweet;
  updateMetrics(tweetId: string, metrics: Partial<TweetPublicMetrics>): EmulatedTweet;
  getUserByUsername(username: string): EmulatedUser | undefined;
  getTweet(id: string): EmulatedTweet | undefined;
}

export interface DemoTrafficOptions {
  seed: number | string;
  now?: () => Date;
  /** overrides of the fictional Lumi brand */
  brand?: Partial<DemoBrand>;
  /** new customer conversations a day in the history; default 180 */
  mentionsPerDay?: number;
  /**
   * Live traffic (after the backfill) runs this many times faster than the history, so the dashboard moves
   * every minute; default 10 (2-3 mentions a minute at peak hours). 1 keeps live and history alike, which
   * spike alerts on volume will otherwise notice.
   */
  liveRateMultiplier?: number;
  /** size of the customer pool; default 400 */
  customers?: number;
}

export interface TrafficSummary {
  from: string;
  to: string;
  /** customers' first posts about the brand */
  mentions: number;
  /** customers nudging the brand while they wait */
  followUps: number;
  /** customers answering the brand */
  customerReplies: number;
  brandReplies: number;
  ownPosts: number;
  retweets: number;
  /** posts that say the keyword without meaning the brand */
  offTopic: number;
  /** posts that do not match the brand query */
  noise: number;
  metricUpdates: number;
}

export interface DemoDescription {
  brand: { name: string; website: string; description: string };
  ownedAccounts: Array<{ platform: 'x'; handle: string; id: string; name: string }>;
  /** X search query for a topic listening to the brand */
  query: string;
  languages: DemoLanguage[];
  timezone: string;
}

interface Customer {
  username: string;
  name: string;
  first: string;
  language: DemoLanguage;
  followers: number;
  verified: boolean;
  createdAt: string;
}

interface ScheduledEvent {
  at: number;
  order: number;
  run: (sink: DemoTrafficSink, summary: TrafficSummary) => void;
}

interface GrowingTweet {
  id: string;
  createdMs: number;
  finals: TweetPublicMetrics;
  tauMs: number;
}

interface Thread {
  customer: Customer;
  language: DemoLanguage;
  kind: MentionKind;
  rootId?: string;
  /** the customer's latest post in the conversation: brand replies answer it */
  lastCustomerTweetId?: string;
  lastBrandTweetId?: string;
  lastBrandAccount?: DemoAccount;
}

interface LocalTime {
  hour: number;
  minute: number;
  /** 1 = Monday .. 7 = Sunday */
  weekday: number;
  /** yyyy-mm-dd */
  date: string;
}

const MINUTE = 60_000;
const SLOT = 15 * MINUTE;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Share of mentions by local hour (Brasília): quiet nights, late-morning and evening peaks (the forecast's demo history follows it too). */
export const HOURLY_WEIGHTS = [
  0.35, 0.25, 0.18, 0.12, 0.1, 0.12, 0.3, 0.6, 0.95, 1.25, 1.4, 1.45, 1.35, 1.3, 1.35, 1.3, 1.25, 1.2, 1.3, 1.45, 1.5, 1.35, 1.0, 0.6,
];
const MEAN_HOURLY_WEIGHT = HOURLY_WEIGHTS.reduce((sum, w) => sum + w, 0) / 24;
/** Monday..Sunday */
export const WEEKDAY_FACTORS = [1.1, 1.05, 1.0, 1.0, 1.05, 0.8, 0.75];

const KIND_WEIGHTS: Record<MentionKind, number> = {
  support: 0.27,
  complaint: 0.15,
  question: 0.12,
  lead: 0.1,
  praise: 0.16,
  neutral: 0.2,
};
/** Chance the brand answers at all; the rest are abandoned */
const ANSWER_PROBABILITY: Record<MentionKind, number> = {
  support: 0.9,
  complaint: 0.85,
  question: 0.88,
  lead: 0.65,
  praise: 0.35,
  neutral: 0.08,
};
const CARE_KINDS = new Set<MentionKind>(['support', 'complaint', 'question']);

/**
 * Reproducible demo traffic for the X emulator: a week of history (`backfill`) and live traffic (`tick`)
 * around the fictional brand Lumi, in Brazilian Portuguese and English. Customers open support
 * conversations, complain, ask, want to buy, praise or just chat; some nudge the brand while they wait and
 * answer it afterwards; the care team replies in the same conversation at a working team's pace by hour of
 * day (mostly within the 2 h SLA; a few beyond it, some never, so they are abandoned after 24 h); the
 * brand publishes posts whose likes, reposts, quotes, replies and impressions grow over time.
 *
 * Every minute of traffic comes from a generator seeded by (seed, minute), so the same seed gives the same
 * posts whatever the tick cadence.
 */
export class DemoTrafficGenerator {
  private readonly brand: DemoBrand;
  private readonly seed: number | string;
  private readonly now: () => Date;
  private readonly mentionsPerMinute: number;
  private readonly liveRateMultiplier: number;
  private readonly customers: Customer[];
  private readonly cumulativeWeights: number[];
  private readonly queue: ScheduledEvent[] = [];
  private readonly growing: GrowingTweet[] = [];
  private readonly recentOwnPosts: Array<{ id: string; createdMs: number }> = [];
  private readonly ownPostMinutesByDay = new Map<string, Set<number>>();
  private readonly preparedSinks = new WeakSet<DemoTrafficSink>();
  private readonly localSlots = new Map<number, LocalTime>();
  private lastMinute?: number;
  private liveFromMinute?: number;
  private eventOrder = 0;

  constructor(options: DemoTrafficOptions) {
    this.seed = options.seed;
    this.now = options.now ?? (() => new Date());
    this.brand = { ...LUMI_BRAND, ...options.brand };
    this.mentionsPerMinute = (options.mentionsPerDay ?? 180) / 1440;
    this.liveRateMultiplier = options.liveRateMultiplier ?? DEMO_LIVE_RATE_MULTIPLIER;
    this.customers = buildCustomers(SeededRandom.derive(this.seed, 'customers'), options.customers ?? 400);
    // Zipf-like activity: a few customers write often, most write once.
    let total = 0;
    this.cumulativeWeights = this.customers.map((_, index) => (total += 1 / Math.pow(index + 1, 0.9)));
  }

  describe(): DemoDescription {
    const { mainAccount, careAccount } = this.brand;
    return {
      brand: { name: this.brand.name, website: this.brand.website, description: mainAccount.description },
      ownedAccounts: [mainAccount, careAccount].map((account) => ({
        platform: 'x' as const,
        handle: account.username,
        id: account.id,
        name: account.name,
      })),
      query: brandSearchQuery(this.brand),
      languages: ['pt', 'en'],
      timezone: this.brand.timezone,
    };
  }

  /** Fills the emulator with `days` (default 7) of history ending now; later replies stay scheduled for tick(). */
  backfill(sink: DemoTrafficSink, options: { days?: number; until?: Date } = {}): TrafficSummary {
    const untilMs = (options.until ?? this.now()).getTime();
    const fromMinute = Math.floor((untilMs - (options.days ?? 7) * DAY) / MINUTE);
    if (this.lastMinute === undefined || this.lastMinute < fromMinute - 1) this.lastMinute = fromMinute - 1;
    const summary = this.advance(sink, untilMs);
    this.liveFromMinute ??= Math.floor(untilMs / MINUTE);
    return summary;
  }

  /** Adds the traffic of the minutes since the last call, runs the replies that came due, and grows metrics. */
  tick(sink: DemoTrafficSink, now: Date = this.now()): TrafficSummary {
    const nowMs = now.getTime();
    if (this.lastMinute === undefined) this.lastMinute = Math.floor(nowMs / MINUTE) - 1;
    this.liveFromMinute ??= this.lastMinute + 1;
    return this.advance(sink, nowMs);
  }

  /* ------------------------------------------------------------------ simulation */

  private advance(sink: DemoTrafficSink, untilMs: number): TrafficSummary {
    this.prepare(sink);
    const firstMinute = (this.lastMinute ?? Math.floor(untilMs / MINUTE) - 1) + 1;
    const endMinute = Math.floor(untilMs / MINUTE);
    const summary = emptySummary(firstMinute * MINUTE, Math.max(firstMinute, endMinute) * MINUTE);
    for (let minute = firstMinute; minute < endMinute; minute += 1) {
      this.planMinute(minute);
      this.runDue(sink, (minute + 1) * MINUTE, summary);
    }
    if (endMinute > firstMinute) this.lastMinute = endMinute - 1;
    this.growMetrics(sink, untilMs, summary);
    sink.updateUser(this.brand.mainAccount.id, { public_metrics: { followers_count: this.followersAt(untilMs) } });
    return summary;
  }

  private prepare(sink: DemoTrafficSink): void {
    if (this.preparedSinks.has(sink)) return;
    for (const account of [this.brand.mainAccount, this.brand.careAccount]) {
      if (sink.getUserByUsername(account.username)) continue;
      sink.addUser({
        id: account.id,
        username: account.username,
        name: account.name,
        description: account.description,
        created_at: account.since,
        verified: true,
        verified_type: 'business',
        url: this.brand.website,
        location: 'São Paulo, Brasil',
        public_metrics: { followers_count: account.followers, following_count: 312, listed_count: 140 },
      });
    }
    this.preparedSinks.add(sink);
  }

  private schedule(at: number, run: ScheduledEvent['run']): void {
    const event: ScheduledEvent = { at, order: this.eventOrder++, run };
    let low = 0;
    let high = this.queue.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const other = this.queue[mid];
      if (other.at < at || (other.at === at && other.order < event.order)) low = mid + 1;
      else high = mid;
    }
    this.queue.splice(low, 0, event);
  }

  private runDue(sink: DemoTrafficSink, beforeMs: number, summary: TrafficSummary): void {
    while (this.queue.length > 0 && this.queue[0].at < beforeMs) {
      const event = this.queue.shift() as ScheduledEvent;
      event.run(sink, summary);
    }
  }

  private planMinute(minute: number): void {
    const startMs = minute * MINUTE;
    const random = SeededRandom.derive(this.seed, 'minute', minute);
    const local = this.localTime(startMs);
    const live = this.liveFromMinute !== undefined && minute >= this.liveFromMinute ? this.liveRateMultiplier : 1;
    const shape = (HOURLY_WEIGHTS[local.hour] / MEAN_HOURLY_WEIGHT) * WEEKDAY_FACTORS[local.weekday - 1] * live;

    const conversations = random.poisson(this.mentionsPerMinute * shape);
    for (let k = 0; k < conversations; k += 1) this.planConversation(minute, k, startMs + random.int(0, MINUTE - 1));
    // drawn even when unused, so that a brand with loose posts off still gets the same conversations
    const offTopic = random.chance((5 / 1440) * shape);
    if (offTopic && this.brand.loosePosts !== false) this.planLoosePost(startMs + random.int(0, MINUTE - 1), random, 'offTopic');
    const noise = random.chance((12 / 1440) * shape);
    if (noise && this.brand.loosePosts !== false) this.planLoosePost(startMs + random.int(0, MINUTE - 1), random, 'noise');
    if (this.ownPostMinutes(local).has(local.hour * 60 + local.minute)) {
      this.planOwnPost(minute, startMs + random.int(0, MINUTE - 1));
    }
  }

  /** Minutes of the local day (0..1439) when the brand publishes: 2-4 on weekdays, 1-2 at weekends. */
  private ownPostMinutes(local: LocalTime): Set<number> {
    const day = local.date;
    let minutes = this.ownPostMinutesByDay.get(day);
    if (!minutes) {
      const random = SeededRandom.derive(this.seed, 'own-posts', day);
      const count = local.weekday <= 5 ? random.int(2, 4) : random.int(1, 2);
      minutes = new Set<number>();
      while (minutes.size < count) minutes.add(random.int(9 * 60, 20 * 60));
      this.ownPostMinutesByDay.set(day, minutes);
      if (this.ownPostMinutesByDay.size > 40) {
        const oldest = this.ownPostMinutesByDay.keys().next().value as string;
        this.ownPostMinutesByDay.delete(oldest);
      }
    }
    return minutes;
  }

  private planConversation(minute: number, index: number, at: number): void {
    const random = SeededRandom.derive(this.seed, 'conversation', minute, index);
    const customer = this.pickCustomer(random);
    const language = customer.language;
    const kind = random.weighted(KIND_WEIGHTS);
    const thread: Thread = { customer, language, kind };
    const slots = this.slots({ first: customer.first });
    const body = roughen(fillTemplate(random.pick(MENTION_TEMPLATES[kind][language]), slots, language, random), language, random, {
      shout: kind === 'complaint' && random.chance(0.12),
      laugh: kind === 'praise' || kind === 'neutral',
    });
    const repliesToPost = !CARE_KINDS.has(kind) || kind === 'question' ? random.chance(0.3) : false;
    const text = repliesToPost ? `@${this.brand.mainAccount.username} ${body}` : this.withBrandReference(body, kind, random);
    const finals = mentionFinals(random, customer, kind);
    const tauMs = random.uniform(0.7, 3) * HOUR;

    this.schedule(at, (sink, summary) => {
      this.ensureCustomer(sink, customer);
      const post = this.recentOwnPosts.filter((p) => at - p.createdMs < 2 * DAY);
      const parent = repliesToPost && post.length > 0 ? post[post.length - 1 - (minute % post.length)] : undefined;
      const tweet = sink.addTweet({
        author_username: customer.username,
        text,
        lang: language,
        created_at: new Date(at),
        in_reply_to_tweet_id: parent?.id,
      });
      thread.rootId = tweet.id;
      thread.lastCustomerTweetId = tweet.id;
      summary.mentions += 1;
      this.track(tweet.id, at, finals, tauMs);
    });

    // Replies in a conversation are seen by few: a handful of impressions, a like now and then.
    const followUpFinals = random.next();
    const replyFinals = random.next();
    const reactionFinals = random.next();
    const followUpTau = random.uniform(0.5, 2) * HOUR;
    const answered = random.chance(ANSWER_PROBABILITY[kind]);
    const replyAt = answered ? this.brandReplyTime(at, random, 1) : undefined;

    if ((kind === 'support' || kind === 'complaint') && random.chance(0.45)) {
      const windowEnd = Math.min(replyAt ?? at + 8 * HOUR, at + 8 * HOUR) - 2 * MINUTE;
      const times = [random.uniform(12, 150), random.uniform(20, 300)]
        .slice(0, random.int(1, 2))
        .map((minutes) => at + Math.round(minutes * MINUTE))
        .filter((time) => time < windowEnd)
        .sort((a, b) => a - b);
      for (const time of times) {
        const followUp = `@${this.brand.mainAccount.username} ${roughen(
          fillTemplate(random.pick(FOLLOW_UP_TEMPLATES[language]), slots, language, random),
          language,
          random,
          { shout: random.chance(0.1) },
        )}`;
        this.schedule(time, (sink, summary) => {
          if (!thread.lastCustomerTweetId) return;
          const tweet = sink.addTweet({
            author_username: customer.username,
            text: followUp,
            lang: language,
            created_at: new Date(time),
            in_reply_to_tweet_id: thread.lastCustomerTweetId,
          });
          thread.lastCustomerTweetId = tweet.id;
          summary.followUps += 1;
          this.track(tweet.id, time, quietFinals(followUpFinals, customer.followers), followUpTau);
        });
      }
    }

    if (replyAt === undefined) return;
    // The care team answers support; the main account thanks, welcomes buyers and now and then helps too.
    const replyAccount = CARE_KINDS.has(kind) && random.chance(0.85) ? this.brand.careAccount : this.brand.mainAccount;
    const agent = random.pick(this.brand.agents);
    const replyText = fillTemplate(
      random.pick(BRAND_REPLY_TEMPLATES[kind][language]),
      this.slots({
        first: customer.first,
        agent,
        url: this.campaignUrl(kind === 'lead' ? '/abrir-conta' : '/ajuda', 'atendimento_social'),
      }),
      language,
      random,
    );
    this.schedule(replyAt, (sink, summary) => {
      if (!thread.lastCustomerTweetId) return;
      const tweet = sink.addTweet({
        author_username: replyAccount.username,
        text: `@${customer.username} ${replyText}`,
        lang: language,
        created_at: new Date(replyAt),
        in_reply_to_tweet_id: thread.lastCustomerTweetId,
      });
      thread.lastBrandTweetId = tweet.id;
      thread.lastBrandAccount = replyAccount;
      summary.brandReplies += 1;
      this.track(tweet.id, replyAt, quietFinals(replyFinals, replyAccount.followers), followUpTau);
    });

    if (!CARE_KINDS.has(kind) || !random.chance(0.55)) return;
    const reactAt = replyAt + Math.round(Math.min(random.logNormal(12, 0.8), 240) * MINUTE);
    const resolved = random.chance(0.65);
    const reaction = roughen(
      fillTemplate(random.pick(CUSTOMER_REACTIONS[resolved ? 'resolved' : 'unresolved'][language]), slots, language, random),
      language,
      random,
      { laugh: resolved },
    );
    this.schedule(reactAt, (sink, summary) => {
      if (!thread.lastBrandTweetId || !thread.lastBrandAccount) return;
      const tweet = sink.addTweet({
        author_username: customer.username,
        text: `@${thread.lastBrandAccount.username} ${reaction}`,
        lang: language,
        created_at: new Date(reactAt),
        in_reply_to_tweet_id: thread.lastBrandTweetId,
      });
      thread.lastCustomerTweetId = tweet.id;
      summary.customerReplies += 1;
      this.track(tweet.id, reactAt, quietFinals(reactionFinals, customer.followers), followUpTau);
    });

    if (resolved || !random.chance(0.85)) return;
    const secondAt = this.brandReplyTime(reactAt, random, 0.7);
    const secondText = fillTemplate(
      random.pick(BRAND_SECOND_REPLY_TEMPLATES[language]),
      this.slots({ first: customer.first, agent: random.pick(this.brand.agents) }),
      language,
      random,
    );
    this.schedule(secondAt, (sink, summary) => {
      if (!thread.lastCustomerTweetId) return;
      const tweet = sink.addTweet({
        author_username: replyAccount.username,
        text: `@${customer.username} ${secondText}`,
        lang: language,
        created_at: new Date(secondAt),
        in_reply_to_tweet_id: thread.lastCustomerTweetId,
      });
      thread.lastBrandTweetId = tweet.id;
      summary.brandReplies += 1;
      this.track(tweet.id, secondAt, quietFinals(replyFinals, replyAccount.followers), followUpTau);
    });
  }

  private planOwnPost(minute: number, at: number): void {
    const random = SeededRandom.derive(this.seed, 'own-post', minute);
    const language: DemoLanguage = random.chance(0.85) ? 'pt' : 'en';
    const template = random.pick(OWN_POST_TEMPLATES[language]);
    const url = template.campaign ? this.campaignUrl(template.path ?? '/', template.campaign) : undefined;
    const text = fillTemplate(template.text, this.slots({ url }), language, random);
    const impressions = Math.round(this.brand.mainAccount.followers * random.logNormal(0.22, 0.5));
    const likes = Math.round(impressions * random.uniform(0.008, 0.03));
    const finals: TweetPublicMetrics = {
      impression_count: impressions,
      like_count: likes,
      retweet_count: Math.round(likes * random.uniform(0.08, 0.2)),
      quote_count: Math.round(likes * random.uniform(0.01, 0.04)),
      reply_count: Math.round(likes * random.uniform(0.03, 0.1)),
      bookmark_count: Math.round(likes * random.uniform(0.02, 0.08)),
    };
    const tauMs = random.uniform(1.5, 5) * HOUR;
    const retweeters = Array.from({ length: random.int(1, 4) }, () => ({
      customer: this.pickCustomer(random),
      at: at + Math.round(Math.min(random.logNormal(40, 1), 36 * 60) * MINUTE),
    }));
    this.schedule(at, (sink, summary) => {
      const tweet = sink.addTweet({
        author_username: this.brand.mainAccount.username,
        text,
        lang: language,
        created_at: new Date(at),
      });
      this.recentOwnPosts.push({ id: tweet.id, createdMs: at });
      if (this.recentOwnPosts.length > 30) this.recentOwnPosts.shift();
      this.track(tweet.id, at, finals, tauMs);
      summary.ownPosts += 1;
      for (const retweet of retweeters) {
        this.schedule(retweet.at, (innerSink, innerSummary) => {
          this.ensureCustomer(innerSink, retweet.customer);
          innerSink.addTweet({
            author_username: retweet.customer.username,
            text: '',
            retweet_of_tweet_id: tweet.id,
            created_at: new Date(retweet.at),
          });
          innerSummary.retweets += 1;
        });
      }
    });
  }

  private planLoosePost(at: number, random: SeededRandom, kind: 'offTopic' | 'noise'): void {
    const customer = this.pickCustomer(random);
    const template = random.pick(kind === 'offTopic' ? OFF_TOPIC_TEMPLATES : NOISE_TEMPLATES);
    const text = fillTemplate(template, this.slots({}), 'pt', random);
    const language = /good morning/.test(text) ? 'en' : 'pt';
    this.schedule(at, (sink, summary) => {
      this.ensureCustomer(sink, customer);
      sink.addTweet({ author_username: customer.username, text, lang: language, created_at: new Date(at) });
      summary[kind] += 1;
    });
  }

  /* ------------------------------------------------------------------ business hours */

  /**
   * When the care team answers something posted at `at`, at a working team's pace by hour of day,
   * mostly within the demo workspace's 2 h first-response SLA:
   * - 1 in 20 is answered late, 2 to 6 hours after (a breach);
   * - in business hours, the full team: a log-normal around a quarter of an hour, at most 80 minutes;
   * - outside them from 07:00 to 24:00 (evenings, Sundays), the agent on call: 10 to 100 minutes;
   * - at night (00:00 to 07:00), the agent on call answers 3 in 4 within 20 to 110 minutes; the rest
   *   wait for the next opening, 5 to 60 minutes after it.
   * `speed` < 1 shortens the delays (second replies are quicker).
   */
  private brandReplyTime(at: number, random: SeededRandom, speed: number): number {
    const after = (minutes: number) => at + Math.round(Math.max(2, minutes * speed) * MINUTE);
    if (random.chance(0.05)) return after(random.uniform(125, 360) / speed);
    if (this.isOpen(at)) return after(Math.min(random.logNormal(14, 0.6), 80));
    if (this.localTime(at).hour >= 7) return after(random.uniform(10, 100));
    if (random.chance(0.75)) return after(random.uniform(20, 110));
    return this.nextOpening(at) + Math.round(random.uniform(5, 60) * MINUTE);
  }

  private isOpen(ms: number): boolean {
    const local = this.localTime(ms);
    const hours = this.brand.businessHours.week[local.weekday - 1];
    return hours !== null && local.hour >= hours[0] && local.hour < hours[1];
  }

  private nextOpening(ms: number): number {
    const local = DateTime.fromMillis(ms, { zone: this.brand.timezone });
    for (let offset = 0; offset <= 7; offset += 1) {
      const day = local.plus({ days: offset });
      const hours = this.brand.businessHours.week[day.weekday - 1];
      if (!hours) continue;
      const opening = day.set({ hour: hours[0], minute: 0, second: 0, millisecond: 0 }).toMillis();
      if (opening > ms) return opening;
    }
    return ms + DAY;
  }

  /**
   * Local calendar fields of an instant. Resolving an IANA zone is slow, and every zone offset is a multiple
   * of 15 minutes, so fields are computed once per 15-minute slot and reused for the minutes inside it.
   */
  private localTime(ms: number): LocalTime {
    const slot = Math.floor(ms / SLOT);
    let base = this.localSlots.get(slot);
    if (!base) {
      const local = DateTime.fromMillis(slot * SLOT, { zone: this.brand.timezone });
      base = { hour: local.hour, minute: local.minute, weekday: local.weekday, date: local.toISODate() ?? '' };
      this.localSlots.set(slot, base);
      if (this.localSlots.size > 5000) this.localSlots.delete(this.localSlots.keys().next().value as number);
    }
    return { ...base, minute: base.minute + Math.floor((ms - slot * SLOT) / MINUTE) };
  }

  /* ------------------------------------------------------------------ metrics */

  private track(id: string, createdMs: number, finals: TweetPublicMetrics, tauMs: number): void {
    if (Object.values(finals).some((value) => value > 0)) this.growing.push({ id, createdMs, finals, tauMs });
  }

  /**
   * Engagement grows as final × (1 − e^(−age/τ)): fast at first, then flattening. Values only go up, and
   * never below what replies and retweets stored in the emulator already counted.
   */
  private growMetrics(sink: DemoTrafficSink, nowMs: number, summary: TrafficSummary): void {
    for (let i = this.growing.length - 1; i >= 0; i -= 1) {
      const entry = this.growing[i];
      const age = nowMs - entry.createdMs;
      if (age < 0) continue;
      const current = sink.getTweet(entry.id)?.public_metrics;
      if (!current) {
        this.growing.splice(i, 1);
        continue;
      }
      const fraction = 1 - Math.exp(-age / entry.tauMs);
      const next: Partial<TweetPublicMetrics> = {};
      let changed = false;
      for (const key of Object.keys(entry.finals) as Array<keyof TweetPublicMetrics>) {
        const value = Math.max(current[key], Math.round(entry.finals[key] * fraction));
        if (value !== current[key]) {
          next[key] = value;
          changed = true;
        }
      }
      if (changed) {
        sink.updateMetrics(entry.id, next);
        summary.metricUpdates += 1;
      }
      if (age > 8 * entry.tauMs || age > 7 * DAY) this.growing.splice(i, 1);
    }
  }

  private followersAt(ms: number): number {
    const days = (ms - Date.UTC(2026, 0, 1)) / DAY;
    return Math.max(1000, Math.round(this.brand.mainAccount.followers + 28 * days + 15 * Math.sin(days * 1.7)));
  }

  /* ------------------------------------------------------------------ people and text */

  private pickCustomer(random: SeededRandom): Customer {
    const total = this.cumulativeWeights[this.cumulativeWeights.length - 1];
    const roll = random.next() * total;
    let low = 0;
    let high = this.cumulativeWeights.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.cumulativeWeights[mid] <= roll) low = mid + 1;
      else high = mid;
    }
    return this.customers[low];
  }

  private ensureCustomer(sink: DemoTrafficSink, customer: Customer): void {
    if (sink.getUserByUsername(customer.username)) return;
    sink.addUser({
      username: customer.username,
      name: customer.name,
      created_at: customer.createdAt,
      verified: customer.verified,
      verified_type: customer.verified ? 'blue' : 'none',
      public_metrics: { followers_count: customer.followers, following_count: Math.round(customer.followers * 0.8) + 40 },
    });
  }

  private slots(extra: Partial<TemplateSlots>): TemplateSlots {
    return {
      brand: this.brand.name,
      at: `@${this.brand.mainAccount.username}`,
      care: `@${this.brand.careAccount.username}`,
      tag: `#${this.brand.hashtag}`,
      ...extra,
    };
  }

  /** A customer's post always names the brand one way or another, or it would not be a mention. */
  private withBrandReference(body: string, kind: MentionKind, random: SeededRandom): string {
    const named = new RegExp(`(^|[^\\p{L}])${this.brand.keyword}([^\\p{L}_]|$)`, 'iu').test(body);
    if (named) return random.chance(0.3) ? `@${this.brand.mainAccount.username} ${body}` : body;
    const style = random.weighted({ at: CARE_KINDS.has(kind) ? 0.6 : 0.35, care: 0.1, tag: 0.25, name: 0.2 });
    if (style === 'at') return `@${this.brand.mainAccount.username} ${body}`;
    if (style === 'care') return `@${this.brand.careAccount.username} ${body}`;
    if (style === 'tag') return `${body} #${random.chance(0.5) ? this.brand.hashtag : this.brand.name}`;
    return `${random.chance(0.5) ? this.brand.name : this.brand.keyword}, ${body}`;
  }

  private campaignUrl(path: string, campaign: string): string {
    return `${this.brand.website}${path}?utm_source=x&utm_medium=social&utm_campaign=${campaign}`;
  }
}

function emptySummary(fromMs: number, toMs: number): TrafficSummary {
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    mentions: 0,
    followUps: 0,
    customerReplies: 0,
    brandReplies: 0,
    ownPosts: 0,
    retweets: 0,
    offTopic: 0,
    noise: 0,
    metricUpdates: 0,
  };
}

/** Most mentions get a few likes; now and then a complaint goes viral. */
function mentionFinals(random: SeededRandom, customer: Customer, kind: MentionKind): TweetPublicMetrics {
  const viral = kind === 'complaint' ? random.chance(0.04) : random.chance(0.005);
  const likes = viral ? random.int(80, 900) : random.chance(0.6) ? random.int(0, 2) : random.int(3, 15);
  const retweets = viral ? random.int(20, 300) : random.chance(0.85) ? 0 : random.int(1, 3);
  return {
    like_count: likes,
    retweet_count: retweets,
    quote_count: viral ? random.int(5, 40) : 0,
    reply_count: viral ? random.int(10, 60) : 0,
    bookmark_count: viral ? random.int(2, 30) : 0,
    impression_count: Math.round(customer.followers * random.uniform(0.05, 0.5) + likes * 40 + random.int(3, 60)),
  };
}

/** Metrics of a post deep in a conversation, from one uniform draw so the generator stays reproducible. */
function quietFinals(roll: number, followers: number): TweetPublicMetrics {
  return {
    like_count: roll < 0.7 ? 0 : roll < 0.95 ? 1 : 2,
    retweet_count: 0,
    quote_count: 0,
    reply_count: 0,
    bookmark_count: 0,
    impression_count: Math.round(4 + roll * Math.min(followers, 2000) * 0.1),
  };
}

function buildCustomers(random: SeededRandom, count: number): Customer[] {
  const taken = new Set<string>();
  const customers: Customer[] = [];
  while (customers.length < count) {
    const language: DemoLanguage = random.chance(0.8) ? 'pt' : 'en';
    const first = random.pick(NAMES[language].first);
    const last = random.pick(NAMES[language].last);
    const plainFirst = plain(first);
    const plainLast = plain(last);
    const variants = [
      `${plainFirst}_${plainLast}`,
      `${plainFirst}${plainLast}${random.int(1, 99)}`,
      `${plainLast}_${plainFirst}`,
      `${plainFirst}${random.int(80, 2005)}`,
      `${plainFirst}_${plainLast.charAt(0)}${random.int(1, 999)}`,
      `real${plainFirst}${plainLast.charAt(0)}`,
    ];
    let username = random.pick(variants).slice(0, 15);
    while (taken.has(username)) username = `${username.slice(0, 12)}${random.int(10, 999)}`.slice(0, 15);
    taken.add(username);
    const verified = random.chance(0.03);
    customers.push({
      username,
      name: random.chance(0.15) ? `${first} ${random.pick(['✨', '🌻', '🏳️‍🌈', '⚽', '🇧🇷'])}` : `${first} ${last}`,
      first,
      language,
      followers: Math.round(verified ? random.logNormal(60_000, 1) : random.logNormal(180, 1.4)),
      verified,
      createdAt: new Date(Date.UTC(2009 + random.int(0, 15), random.int(0, 11), random.int(1, 28), random.int(0, 23))).toISOString(),
    });
  }
  // Shuffle so that activity (by position) does not follow the language or name order.
  for (let i = customers.length - 1; i > 0; i -= 1) {
    const j = random.int(0, i);
    [customers[i], customers[j]] = [customers[j], customers[i]];
  }
  return customers;
}

function plain(text: string): string {
  return foldText(text).replace(/[^a-z0-9_]/g, '');
}
