import type { Server } from 'node:net';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AgentsService } from '../care/agents/agents.service';
import { CasesService } from '../care/cases.service';
import { CollectScheduler } from '../collectors/collect.scheduler';
import { NetworkTargets } from '../config/network-targets';
import { Settings, SETTINGS } from '../config/settings';
import { LeadsService } from '../leads/leads.service';
import { MentionsService } from '../mentions/mentions.service';
import { SurveysService } from '../surveys/surveys.service';
import { TrafficService } from '../traffic/traffic.service';
import { TopicsService } from '../topics/topics.service';
import { DefaultWorkspaceBootstrap } from '../workspaces/default-workspace.bootstrap';
import { WorkspacesService } from '../workspaces/workspaces.service';
import type { Platform } from '../common/platform';
import { runDemoDesk } from './demo-desk';
import { DEMO_COMPETITORS } from './traffic/demo-brand';
import { DEMO_LIVE_RATE_MULTIPLIER } from './traffic/demo-traffic-generator';
import { measuredSupportLevel, seedPresenceHistory, seedSupportHistory } from './demo-forecast-history';
import { seedDemoInputs } from './demo-inputs';
import { startDemoBlueskyApi, type DemoBlueskyApi } from './networks/bluesky/demo-bluesky-api';
import { startDemoMastodonApi, type DemoMastodonApi } from './networks/mastodon/demo-mastodon-api';
import { startDemoRedditApi, type DemoRedditApi } from './networks/reddit/demo-reddit-api';
import { startDemoYouTubeApi, type DemoYouTubeApi } from './networks/youtube/demo-youtube-api';
import { startDemoMetaApi, type DemoMetaApi } from './networks/meta/demo-meta-api';
import { DEMO_WEBHOOK_VERIFY_TOKEN, startDemoWhatsApp, type DemoWhatsApp } from './networks/meta/demo-whatsapp';
import { startDemoXApi, type DemoXApi, type XApiEmulator } from './networks/x';
import { messageOf } from '../common/errors';

export const DEMO_TOPIC_NAME = 'Lumi (demo)';

/** How often a demo WhatsApp customer writes (a new conversation, or one coming back). */
const DEMO_WHATSAPP_EVERY_MS = 45_000;

/**
 * How often the demo desk (demo-desk.ts) answers and resolves the cases whose time has come: the
 * live traffic's answers come minutes after the message (ten times a team's pace), so a pass every
 * two minutes kept a minute or more of the live traffic waiting on top. The time runs from the end
 * of one pass to the start of the next, so passes never overlap.
 */
const DEMO_DESK_INTERVAL_MS = 30_000;
/**
 * The pause between passes until the demo's first collection is stored: the week of history
 * arrives over the first minutes, page by page, and the desk works what has arrived soon after
 * its pass, so the backlog is worked as it lands rather than in 30-second steps. The pause is at
 * least as long as the pass was, so the desk leaves the collection (same process, same engine)
 * at least half the time.
 */
const DEMO_DESK_CATCH_UP_MS = 3_000;

const DEMO_TEAMS = ['cartões', 'faturas', 'app'];
const DEMO_AGENTS = [
  { name: 'Bruna Costa', email: 'bruna@lumi.example', team: 'cartões' },
  { name: 'Diego Ramos', email: 'diego@lumi.example', team: 'faturas' },
  { name: 'Alex Turner', email: 'alex@lumi.example', team: 'app' },
];
const DEMO_ROUTING = [
  { keyword: 'cartão', team: 'cartões' },
  { keyword: 'card', team: 'cartões' },
  { keyword: 'fatura', team: 'faturas' },
  { keyword: 'bill', team: 'faturas' },
  { keyword: 'app', team: 'app' },
];

/**
 * `npm start` with nothing configured: the X API emulator on local HTTPS with a week of bilingual
 * Lumi traffic (and Bluesky and Mastodon ones), handed to the collectors as their networks'
 * configuration (`NetworkTargets`, as the settings would), the default workspace set up as the Lumi
 * demo (topic, teams, agents, routing rules), and a first collection right away so numbers show
 * within a minute.
 */
@Injectable()
export class DemoService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Demo');
  private api: DemoXApi | null = null;
  private bluesky: DemoBlueskyApi | null = null;
  private mastodon: DemoMastodonApi | null = null;
  private reddit: DemoRedditApi | null = null;
  private youtube: DemoYouTubeApi | null = null;
  private meta: DemoMetaApi | null = null;
  private whatsapp: DemoWhatsApp | null = null;
  private desk: NodeJS.Timeout | null = null;
  private deskRunning: Promise<void> | null = null;
  /** Whether the demo's first collection (the week of history) is stored: the desk then slows to its interval. */
  private historyStored = false;
  /** When the live traffic began (the demo desk answers it at its faster pace). */
  private liveSince: Date | null = null;
  private stopping = false;
  /** Aborted at shutdown: the desk's pass stops starting cases, so a stop does not wait for it. */
  private readonly stopSignal = new AbortController();

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly networks: NetworkTargets,
    private readonly bootstrap: DefaultWorkspaceBootstrap,
    private readonly workspaces: WorkspacesService,
    private readonly topics: TopicsService,
    private readonly agents: AgentsService,
    private readonly scheduler: CollectScheduler,
    private readonly traffic: TrafficService,
    private readonly leads: LeadsService,
    private readonly surveys: SurveysService,
    private readonly cases: CasesService,
    private readonly http: HttpAdapterHost,
    private readonly mentions: MentionsService,
  ) {}

  /** The running X API emulator (null unless the demo is on), so tests can post to it like a user of X. */
  get emulator(): XApiEmulator | null {
    return this.api?.emulator ?? null;
  }

  async onApplicationBootstrap() {
    if (!this.settings.demo) return;
    const started = Date.now();
    // the history is written up to now; what customers write from here on is the live traffic
    this.liveSince = new Date(started);
    this.api = await startDemoXApi({
      logger: {
        info: (o: object, m?: string) => this.logger.debug({ ...o, msg: m }),
        warn: (o: object, m?: string) => this.logger.warn({ ...o, msg: m }),
        error: (o: object, m?: string) => this.logger.error({ ...o, msg: m }),
        debug: () => undefined,
      } as never,
    });
    // the collectors find the local networks where they find real ones: in the network configuration
    this.networks.set('x', { baseUrl: this.api.baseUrl, bearerToken: this.api.bearerToken, ca: this.api.caPem });
    // Bluesky and Mastodon too, each unless real credentials for it are set (the demo topic then
    // leaves that network out rather than listen to the real one for a fictional brand)
    const tickError = (network: string) => (err: unknown) =>
      this.logger.warn({ err: (err as Error).message }, `Demo ${network} traffic: tick failed`);
    if (!this.networks.configured('bluesky')) {
      this.bluesky = await startDemoBlueskyApi({ onTickError: tickError('Bluesky') });
      this.networks.set('bluesky', { service: this.bluesky.baseUrl, identifier: this.bluesky.identifier, password: this.bluesky.password });
    }
    if (!this.networks.configured('mastodon')) {
      this.mastodon = await startDemoMastodonApi({ onTickError: tickError('Mastodon') });
      this.networks.set('mastodon', { url: this.mastodon.baseUrl, accessToken: this.mastodon.accessToken });
    }
    if (!this.networks.configured('reddit')) {
      const r = (this.reddit = await startDemoRedditApi({ onTickError: tickError('Reddit') }));
      this.networks.set('reddit', {
        apiUrl: r.apiUrl,
        authUrl: r.authUrl,
        clientId: r.clientId,
        clientSecret: r.clientSecret,
        userAgent: r.userAgent,
        account: r.account,
      });
    }
    if (!this.networks.configured('youtube')) {
      this.youtube = await startDemoYouTubeApi({ onTickError: tickError('YouTube') });
      this.networks.set('youtube', this.youtube.target);
    }
    if (!this.networks.configured('meta')) {
      // the brand's Facebook Page and Instagram account, on a Graph emulator the demo's WhatsApp shares
      const m = (this.meta = await startDemoMetaApi({ onTickError: tickError('Facebook/Instagram') }));
      this.networks.set('meta', {
        graphUrl: m.graphUrl,
        accessToken: m.accessToken,
        appSecret: m.appSecret,
        webhookVerifyToken: DEMO_WEBHOOK_VERIFY_TOKEN,
      });
    }
    if (!this.networks.configured('whatsapp')) {
      // customers write to the demo's WhatsApp number; their messages reach the app by its webhook
      this.whatsapp = await startDemoWhatsApp({
        callbackUrl: () => this.webhookCallbackUrl(),
        emulator: this.meta?.emulator,
        onError: tickError('WhatsApp'),
      });
      const w = this.whatsapp;
      this.networks.set('whatsapp', {
        graphUrl: w.graphUrl,
        accessToken: w.accessToken,
        appSecret: w.appSecret,
        webhookVerifyToken: w.webhookVerifyToken,
        phoneNumberId: w.phoneNumberId,
      });
    }
    const ws = this.bootstrap.defaultWorkspace;
    const d = this.api.description;
    const platforms: Platform[] = [
      'x',
      ...(this.bluesky ? (['bluesky'] as const) : []),
      ...(this.mastodon ? (['mastodon'] as const) : []),
      ...(this.reddit ? (['reddit'] as const) : []),
      ...(this.youtube ? (['youtube'] as const) : []),
      ...(this.meta ? (['facebook', 'instagram'] as const) : []),
      ...(this.whatsapp ? (['whatsapp'] as const) : []),
    ];
    const ownedAccounts = [
      ...d.ownedAccounts.map((a) => ({ platform: 'x' as const, handle: a.handle.toLowerCase() })),
      ...(this.bluesky?.ownedHandles ?? []).map((handle) => ({ platform: 'bluesky' as const, handle })),
      ...(this.mastodon?.ownedHandles ?? []).map((handle) => ({ platform: 'mastodon' as const, handle })),
      ...(this.reddit?.ownedHandles ?? []).map((handle) => ({ platform: 'reddit' as const, handle })),
      ...(this.youtube?.ownedHandles ?? []).map((handle) => ({ platform: 'youtube' as const, handle })),
      ...(this.meta
        ? [
            { platform: 'facebook' as const, handle: this.meta.pageId },
            { platform: 'instagram' as const, handle: this.meta.instagramAccountId },
          ]
        : []),
    ];

    let existing = (await this.topics.list(ws.id)).find((t) => t.name === DEMO_TOPIC_NAME);
    if (existing && platforms.some((p) => !existing!.platforms.includes(p))) {
      // a data directory from before the demo had these networks
      existing = await this.topics.update(ws.id, existing.id, { platforms, ownedAccounts, subreddits: this.reddit?.subreddits ?? [] });
    }
    const topic =
      existing ??
      (await this.topics.create(ws.id, {
        name: DEMO_TOPIC_NAME,
        query: d.query,
        platforms,
        languages: [],
        ownedAccounts,
        subreddits: this.reddit?.subreddits ?? [],
      }));
    if (!existing) {
      await this.seedCareSetup(ws.id);
      const inputs = await seedDemoInputs(ws.id, ws.timezone, { traffic: this.traffic, leads: this.leads, surveys: this.surveys });
      this.logger.log(inputs, 'Demo: website traffic, assisted contacts, leads and surveys for the last two weeks');
      const presence = await seedPresenceHistory(this.agents, ws, new Date());
      this.logger.log({ events: presence }, 'Demo: four weeks of agent shifts in the presence history');
    }
    this.logger.log(
      {
        emulator: this.api.baseUrl,
        bluesky: this.bluesky?.baseUrl ?? null,
        mastodon: this.mastodon?.baseUrl ?? null,
        reddit: this.reddit?.apiUrl ?? null,
        youtube: this.youtube?.target.apiUrl ?? null,
        topicId: topic.id,
        backfill: this.api.backfill,
        ms: Date.now() - started,
      },
      'Demo X, Bluesky and Mastodon emulators are up with a week of Lumi traffic',
    );
    if (this.whatsapp) {
      // a fresh demo gets a day and a half of conversations; a restarted one just goes on
      this.whatsapp.run({ backfill: !existing, everyMs: DEMO_WHATSAPP_EVERY_MS }).then(
        (written) => written && this.logger.log({ messages: written }, 'Demo: WhatsApp conversations delivered by webhook'),
        (err) => this.logger.warn({ err: (err as Error).message }, 'Demo: WhatsApp conversations could not be delivered'),
      );
    }
    const competitors = await this.startCompetitors(ws.id);
    // The desk works the queue from the start: the cases of the other networks (webhooks, their own
    // collections) do not wait for X's first collection, which takes minutes on a loaded machine.
    this.historyStored = !!existing;
    const firstPass = Date.now();
    void this.runDesk(ws.id).finally(() => this.scheduleDesk(ws.id, Date.now() - firstPass));
    // First collection now rather than at the first interval.
    this.scheduler.collectNow(topic.id).then(
      (res) => {
        this.historyStored = true;
        this.logger.log(res, 'Demo: first collection stored');
        if (this.stopping) return;
        // after Lumi's, so that the brand's own first numbers come as soon as before
        const competitorsIn = this.collectCompetitors(competitors);
        // the three weeks before the emulators' week, for the forecast page (in the background), at
        // the level the emulators' week measures once every brand's first collection is in
        if (!existing)
          competitorsIn
            .then(() => measuredSupportLevel(this.mentions, ws, new Date()))
            .then((level) => seedSupportHistory(this.mentions, ws, topic.id, new Date(), undefined, level))
            .then(
              (stored) => this.logger.log({ mentions: stored }, 'Demo: three earlier weeks of support mentions for the forecast'),
              (err: unknown) => this.logger.warn({ err: messageOf(err) }, 'Demo: earlier support history could not be stored'),
            );
      },
      (err: unknown) => {
        this.historyStored = true;
        this.logger.error({ err: messageOf(err) }, 'Demo: first collection failed');
      },
    );
  }

  /** The desk's next pass: soon while the history is still arriving, then at its interval. */
  private scheduleDesk(workspaceId: string, lastPassMs = 0) {
    if (this.stopping) return;
    this.desk = setTimeout(
      () => {
        const started = Date.now();
        void this.runDesk(workspaceId).finally(() => this.scheduleDesk(workspaceId, Date.now() - started));
      },
      this.historyStored ? DEMO_DESK_INTERVAL_MS : Math.max(DEMO_DESK_CATCH_UP_MS, lastPassMs),
    );
    this.desk.unref();
  }

  /**
   * One pass of the demo desk (a pass still running is joined, not doubled); resolves when it is
   * done. The timer calls it; so can a test that wants the desk's work in place.
   */
  runDesk(workspaceId = this.bootstrap.defaultWorkspace.id): Promise<void> {
    const started = Date.now();
    this.deskRunning ??= this.workspaces
      .get(workspaceId)
      .then((ws) =>
        runDemoDesk(
          this.cases,
          this.agents,
          workspaceId,
          new Date(),
          ws.timezone,
          {
            since: this.liveSince,
            pace: DEMO_LIVE_RATE_MULTIPLIER,
          },
          this.stopSignal.signal,
        ),
      )
      .then(
        (pass) => {
          if (pass.answered > 0 || pass.resolved > 0)
            this.logger.log({ ...pass, ms: Date.now() - started }, 'Demo desk: agents answered and resolved cases');
        },
        (err: unknown) => this.logger.warn({ err: messageOf(err) }, 'Demo desk pass failed'),
      )
      .finally(() => (this.deskRunning = null));
    return this.deskRunning;
  }

  /**
   * The demo's competitors (DEMO_COMPETITORS) on the demo X: their traffic and a topic each with
   * `role: "competitor"` (created once), so the Competitors page has share of voice and public
   * care to compare with Lumi's. Answers the topics, to collect once Lumi's first collection is in.
   */
  private async startCompetitors(workspaceId: string): Promise<{ id: string; name: string }[]> {
    if (!this.api) return [];
    const topics = await this.topics.list(workspaceId);
    const out: { id: string; name: string }[] = [];
    for (const d of this.api.addCompetitors(DEMO_COMPETITORS)) {
      const name = `${d.brand.name} (demo competitor)`;
      const topic =
        topics.find((t) => t.name === name) ??
        (await this.topics.create(workspaceId, {
          name,
          query: d.query,
          platforms: ['x'],
          languages: [],
          role: 'competitor',
          ownedAccounts: d.ownedAccounts.map((a) => ({ platform: 'x' as const, handle: a.handle.toLowerCase() })),
        }));
      out.push({ id: topic.id, name: d.brand.name });
    }
    return out;
  }

  /** Collects each competitor once; resolves when all have (or failed, which is logged). */
  private collectCompetitors(competitors: { id: string; name: string }[]): Promise<unknown> {
    return Promise.allSettled(
      competitors.map((c) =>
        this.scheduler.collectNow(c.id).then(
          (res) => this.logger.log({ ...res, competitor: c.name }, 'Demo: first collection of a competitor stored'),
          (err: unknown) => this.logger.warn({ err: messageOf(err), competitor: c.name }, 'Demo: first collection of a competitor failed'),
        ),
      ),
    );
  }

  private async seedCareSetup(workspaceId: string) {
    for (const team of DEMO_TEAMS) await this.agents.createTeam(workspaceId, team).catch(() => undefined);
    for (const agent of DEMO_AGENTS) await this.agents.create(workspaceId, agent).catch(() => undefined);
    const ws = await this.workspaces.get(workspaceId);
    await this.workspaces.update(workspaceId, { settings: { ...ws.settings, routingRules: DEMO_ROUTING } });
  }

  /** The desk stops before the database connection closes. */
  async beforeApplicationShutdown() {
    this.stopping = true;
    this.stopSignal.abort();
    if (this.desk) clearTimeout(this.desk);
    this.desk = null;
    await this.deskRunning;
  }

  /** Where the demo's WhatsApp posts its webhooks: this app's own endpoint, once it listens. */
  private webhookCallbackUrl(): string | null {
    const server = this.http.httpAdapter?.getHttpServer() as Server | undefined;
    const address = server?.address?.();
    return address && typeof address === 'object' ? `http://127.0.0.1:${address.port}/api/v1/webhooks/meta` : null;
  }

  async onApplicationShutdown() {
    await this.whatsapp?.stop();
    await this.meta?.stop();
    await this.api?.stop();
    await this.bluesky?.stop();
    await this.mastodon?.stop();
    await this.reddit?.stop();
    await this.youtube?.stop();
  }
}
