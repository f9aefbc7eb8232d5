import type { DemoBrand } from '../../traffic/demo-brand';
import { DemoTrafficGenerator, type DemoDescription, type TrafficSummary } from '../../traffic/demo-traffic-generator';
import type { TlsKeyPair } from '../shared/self-signed-certificate';
import { XApiEmulator, type EmulatorAddress, type EmulatorLogger } from './x-api-emulator';

export interface DemoXApiOptions {
  /** default 'ouvidor-demo' */
  seed?: number | string;
  port?: number;
  host?: string;
  tls?: TlsKeyPair;
  /** days of history to backfill; default 7 */
  days?: number;
  /** how often live traffic is added; default 20 s (traffic is made per whole minute) */
  tickSeconds?: number;
  /** share of requests that answer a random 429, so the collector's back-off shows; default 0 */
  randomRateLimitProbability?: number;
  /** see DemoTrafficOptions.liveRateMultiplier */
  liveRateMultiplier?: number;
  mentionsPerDay?: number;
  brand?: Partial<DemoBrand>;
  logger?: EmulatorLogger;
}

/** A competitor's traffic on the same emulator (see DEMO_COMPETITORS). */
export interface DemoCompetitorTraffic {
  seed: string;
  mentionsPerDay: number;
  brand: Partial<DemoBrand>;
}

export interface DemoXApi extends EmulatorAddress {
  emulator: XApiEmulator;
  generator: DemoTrafficGenerator;
  description: DemoDescription;
  backfill: TrafficSummary;
  /** any bearer token is accepted; this one reads well in logs */
  bearerToken: string;
  /**
   * Adds competitors' traffic to the emulator (history now, live traffic on the same ticks) and
   * answers their descriptions: query and owned accounts for their topics.
   */
  addCompetitors(competitors: readonly DemoCompetitorTraffic[]): DemoDescription[];
  stop(): Promise<void>;
}

/**
 * The demo X API in one call: starts the emulator on HTTPS with a fresh self-signed certificate, backfills
 * a week of Lumi traffic and keeps adding live traffic until stop(). Point the collector at `baseUrl` and
 * trust `caPem`.
 */
export async function startDemoXApi(options: DemoXApiOptions = {}): Promise<DemoXApi> {
  const emulator = new XApiEmulator({
    port: options.port,
    host: options.host,
    tls: options.tls,
    logger: options.logger,
    failureInjection: options.randomRateLimitProbability
      ? { rateLimitProbability: options.randomRateLimitProbability, resetInSeconds: 30 }
      : undefined,
  });
  const generator = new DemoTrafficGenerator({
    seed: options.seed ?? 'ouvidor-demo',
    brand: options.brand,
    liveRateMultiplier: options.liveRateMultiplier,
    mentionsPerDay: options.mentionsPerDay,
  });
  const backfill = generator.backfill(emulator, { days: options.days ?? 7 });
  const generators = [generator];
  const address = await emulator.start();
  const timer = setInterval(
    () => {
      for (const g of generators) {
        try {
          g.tick(emulator);
        } catch (error) {
          options.logger?.warn({ err: error }, 'demo X traffic: tick failed');
        }
      }
    },
    (options.tickSeconds ?? 20) * 1000,
  );
  timer.unref();
  options.logger?.info(
    { baseUrl: address.baseUrl, mentions: backfill.mentions, brandReplies: backfill.brandReplies, ownPosts: backfill.ownPosts },
    'demo X API ready',
  );
  return {
    ...address,
    emulator,
    generator,
    description: generator.describe(),
    backfill,
    bearerToken: 'demo-bearer-token',
    addCompetitors(competitors) {
      return competitors.map((c) => {
        const g = new DemoTrafficGenerator({
          seed: c.seed,
          brand: c.brand,
          liveRateMultiplier: options.liveRateMultiplier,
          mentionsPerDay: c.mentionsPerDay,
        });
        g.backfill(emulator, { days: options.days ?? 7 });
        generators.push(g);
        return g.describe();
      });
    },
    async stop() {
      clearInterval(timer);
      await emulator.stop();
    },
  };
}
