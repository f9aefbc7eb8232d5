import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseSecretsKey } from '../common/secrets-at-rest';
import { isCidr, isDnsServer } from '../common/outbound/address-policy';

/**
 * Settings come from `config/default.json` (and `config/local.json` when present), overridden by
 * environment variables whose names ARCHITECTURE.md fixes. Everything is validated once at
 * start-up; an invalid value stops the process with a message naming the key.
 */
const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL with protocol ${protocols.join(' or ')}`,
  );

const boolish = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])])
  .transform((v) => (typeof v === 'boolean' ? v : ['true', '1', 'yes', 'on'].includes(v)));
const intish = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** A list from a settings file (array) or the environment (comma-separated). */
const commaList = (valid: (item: string) => boolean, message: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string()).refine((items) => items.every(valid), message));

/** The settings each Meta channel needs (environment name, key under `meta`). */
export const META_PAGE_VARIABLES = [
  ['META_ACCESS_TOKEN', 'accessToken'],
  ['META_APP_SECRET', 'appSecret'],
] as const;
export const META_WHATSAPP_VARIABLES = [
  ...META_PAGE_VARIABLES,
  ['META_WEBHOOK_VERIFY_TOKEN', 'webhookVerifyToken'],
  ['WHATSAPP_PHONE_NUMBER_ID', 'whatsappPhoneNumberId'],
] as const;

const fileSchema = z
  .object({
    port: intish(0, 65535),
    mongodbUri: url(['mongodb:', 'mongodb+srv:']).nullable(),
    dataDir: z.string().min(1).nullable(),
    redisUrl: url(['redis:', 'rediss:']).nullable(),
    queuePrefix: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'must be 1-40 letters, digits, dots, dashes or underscores'),
    worker: boolish,
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    adminApiKey: z.string().min(24, 'must be at least 24 characters').nullable(),
    // Not in config/default.json on purpose: a key belongs in the environment or a secret manager.
    secretsKey: z
      .string()
      .refine((v) => {
        try {
          parseSecretsKey(v);
          return true;
        } catch {
          return false;
        }
      }, 'must be 32 random bytes, written as 64 hex characters or as base64 (generate one with: openssl rand -base64 32)')
      .nullable()
      .default(null),
    demo: boolish.nullable(),
    collectIntervalSeconds: intish(5, 86400).nullable(),
    collectOnDemandIntervalSeconds: intish(0, 86400),
    /**
     * The collect job's first retry back-off (the next doubles it). Test-only: no environment
     * variable and not in config/default.json, so a deployment always runs with 5 s; the e2e
     * suites shorten it to spend less time waiting on runs they make fail on purpose.
     */
    collectRetryBackoffMs: intish(10, 600_000).default(5_000),
    /**
     * Test-only as well (30 s in every deployment): how long a topic's collect lease and a BullMQ
     * job's lock outlive an instance that stopped holding them, and how often BullMQ looks for
     * stalled jobs. A suite that abandons a run on purpose shortens it to see it taken up sooner.
     */
    takeoverMs: intish(1_000, 600_000).default(30_000),
    /** Test-only too (0.5 s in every deployment): the X, Bluesky and Mastodon collectors' first back-off after a transient failure. */
    collectorRetryBaseMs: intish(10, 60_000).default(500),
    x: z
      .object({
        bearerToken: z.string().min(1).nullable(),
        apiBaseUrl: url(['https:']),
        monthlyReadCap: intish(0, 1_000_000_000),
        workspaceMonthlyReadCap: intish(0, 1_000_000_000).nullable(),
      })
      .strict(),
    bluesky: z
      .object({
        identifier: z.string().min(1).nullable(),
        appPassword: z.string().min(1).nullable(),
        service: url(['https:']),
      })
      .strict()
      .refine((b) => !b.identifier === !b.appPassword, {
        path: ['appPassword'],
        message: 'BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD go together: set both or neither',
      }),
    mastodon: z
      .object({
        url: url(['https:']).nullable(),
        accessToken: z.string().min(1).nullable(),
      })
      .strict()
      .refine((m) => !m.url === !m.accessToken, {
        path: ['accessToken'],
        message: 'MASTODON_URL and MASTODON_ACCESS_TOKEN go together: set both or neither',
      }),
    /**
     * Meta's Graph API: Facebook Pages and Instagram accounts need the token and the app secret
     * (every call is signed with appsecret_proof); WhatsApp needs those, its number and the webhook
     * verify token (its messages only arrive by webhook). A channel's settings are all set or none.
     */
    meta: z
      .object({
        accessToken: z.string().min(1).nullable(),
        appSecret: z.string().min(1).nullable(),
        webhookVerifyToken: z.string().min(1).nullable(),
        graphUrl: url(['https:', 'http:']).transform((v) => (v.endsWith('/') ? v : `${v}/`)),
        whatsappPhoneNumberId: z
          .string()
          .regex(/^\d{5,20}$/, 'must be the numeric id of the WhatsApp Business phone number')
          .nullable(),
      })
      .strict()
      .superRefine((m, ctx) => {
        if (!m.accessToken !== !m.appSecret)
          ctx.addIssue({
            code: 'custom',
            path: [m.accessToken ? 'appSecret' : 'accessToken'],
            message: 'META_ACCESS_TOKEN and META_APP_SECRET go together: set both or neither',
          });
        if (m.webhookVerifyToken && !m.appSecret)
          ctx.addIssue({
            code: 'custom',
            path: ['appSecret'],
            message: 'META_WEBHOOK_VERIFY_TOKEN needs META_APP_SECRET (webhook signatures are checked with it)',
          });
        if (m.whatsappPhoneNumberId) {
          const missing = META_WHATSAPP_VARIABLES.filter(([, key]) => !m[key]).map(([name]) => name);
          if (missing.length)
            ctx.addIssue({
              code: 'custom',
              path: ['whatsappPhoneNumberId'],
              message: `WHATSAPP_PHONE_NUMBER_ID needs ${missing.join(', ')} too: set all of WhatsApp's settings or none`,
            });
        }
      }),
    /**
     * Reddit: an app's client id and secret (application-only OAuth for reads) with a descriptive
     * User-Agent, as Reddit's API rules ask; a script app's account only to reply from the inbox.
     */
    reddit: z
      .object({
        clientId: z.string().min(1).nullable(),
        clientSecret: z.string().min(1).nullable(),
        userAgent: z.string().min(1).max(200).nullable(),
        username: z.string().min(1).nullable(),
        password: z.string().min(1).nullable(),
        apiUrl: url(['https:', 'http:']).transform((v) => (v.endsWith('/') ? v : `${v}/`)),
        authUrl: url(['https:', 'http:']),
      })
      .strict()
      .superRefine((r, ctx) => {
        if (!r.clientId !== !r.clientSecret)
          ctx.addIssue({
            code: 'custom',
            path: [r.clientId ? 'clientSecret' : 'clientId'],
            message: 'REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET go together: set both or neither',
          });
        if (r.clientId && !r.userAgent)
          ctx.addIssue({
            code: 'custom',
            path: ['userAgent'],
            message:
              'REDDIT_USER_AGENT is required with REDDIT_CLIENT_ID (Reddit blocks generic user agents), e.g. "server:ouvidor:1.0 (by /u/yourname)"',
          });
        if (!r.username !== !r.password)
          ctx.addIssue({
            code: 'custom',
            path: [r.username ? 'password' : 'username'],
            message: 'REDDIT_USERNAME and REDDIT_PASSWORD go together: set both or neither',
          });
        if (r.username && !r.clientId)
          ctx.addIssue({
            code: 'custom',
            path: ['username'],
            message: 'REDDIT_USERNAME needs REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (the script app it logs in through)',
          });
      }),
    /**
     * YouTube Data API v3: an API key for reads; the brand channel's OAuth grant (client id, secret,
     * refresh token: all three or none) only to reply; the units a day may spend before collection pauses.
     */
    youtube: z
      .object({
        apiKey: z.string().min(1).nullable(),
        apiUrl: url(['https:', 'http:']).transform((v) => (v.endsWith('/') ? v : `${v}/`)),
        oauthClientId: z.string().min(1).nullable(),
        oauthClientSecret: z.string().min(1).nullable(),
        oauthRefreshToken: z.string().min(1).nullable(),
        oauthTokenUrl: url(['https:', 'http:']),
        dailyQuota: intish(1, 1_000_000_000),
      })
      .strict()
      .refine((y) => !y.oauthClientId === !y.oauthClientSecret && !y.oauthClientId === !y.oauthRefreshToken, {
        path: ['oauthRefreshToken'],
        message: 'YOUTUBE_OAUTH_CLIENT_ID, YOUTUBE_OAUTH_CLIENT_SECRET and YOUTUBE_OAUTH_REFRESH_TOKEN go together: set all three or none',
      }),
    /** Days of history a topic's first collection on a network reads where the API allows it (Facebook, Instagram). */
    backfillDays: intish(1, 365),
    refreshMetricsIntervalSeconds: intish(10, 86400),
    careScanIntervalSeconds: intish(1, 3600),
    alertScanIntervalSeconds: intish(1, 3600),
    /**
     * Scheduled digests (src/digests/): the operator's SMTP relay (not a tenant's setting, so it
     * may be a local or internal host), the sender, the absolute address of this service used in
     * the links of a digest, and how often schedules are checked for a due run.
     */
    digest: z
      .object({
        smtpUrl: url(['smtp:', 'smtps:']).nullable().default(null),
        from: z.string().min(3).max(200).default('Ouvidor <digests@localhost>'),
        linkBaseUrl: url(['http:', 'https:'])
          .transform((v) => v.replace(/\/+$/, ''))
          .nullable()
          .default(null),
        scanIntervalSeconds: intish(1, 3600).default(60),
      })
      .strict()
      .prefault({}),
    /**
     * Signed CSV links (POST /api/v1/exports/links): how long a link made for the API or the
     * dashboard stays valid, and the HMAC key. Unset, the key is derived from the key of secrets
     * at rest, so every instance that shares that key verifies the others' links; setting it
     * (or changing it) voids every link already made. No file default: it belongs in the environment.
     */
    exportLinks: z
      .object({
        secret: z.string().min(32, 'must be at least 32 characters (generate one with: openssl rand -base64 32)').nullable().default(null),
        ttlSeconds: intish(30, 86_400).default(300),
      })
      .strict()
      .prefault({}),
    rateLimit: z
      .object({
        perMinute: intish(1, 10_000_000),
        authFailuresPerMinute: intish(1, 10_000_000),
        sseStreamsPerKey: intish(1, 10_000),
        sseKeyRecheckSeconds: intish(1, 3600),
      })
      .strict(),
    /**
     * Express's `trust proxy`: which hops may set X-Forwarded-For, so the failed-login limit sees
     * the client's address instead of the reverse proxy's. `false` (default: direct connections),
     * a number of hops, or addresses/CIDRs/`loopback`/`uniquelocal` separated by commas.
     */
    trustProxy: z.union([z.boolean(), z.number().int().min(0).max(10), z.string().min(1)]).transform((v, ctx) => {
      if (typeof v !== 'string') return v;
      if (/^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
      if (/^\d+$/.test(v)) return Number(v);
      const parts = v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
      const bad = parts.filter((p) => !named.has(p) && !isCidr(p.includes('/') ? p : `${p}/${p.includes(':') ? 128 : 32}`));
      if (bad.length)
        ctx.addIssue({
          code: 'custom',
          message: `must be true, false, a number of hops, or addresses/CIDRs/loopback separated by commas (bad: ${bad.join(', ')})`,
        });
      return parts;
    }),
    outbound: z
      .object({
        allowPrivate: boolish,
        allowedCidrs: commaList(isCidr, 'must be CIDRs such as 10.0.0.0/8 or fd00::/8, separated by commas'),
        dnsServers: commaList(isDnsServer, 'must be DNS servers such as 127.0.0.1:5353 or [::1]:53, separated by commas'),
      })
      .strict(),
  })
  .strict();

export type Settings = Omit<z.infer<typeof fileSchema>, 'demo' | 'collectIntervalSeconds'> & {
  demo: boolean;
  collectIntervalSeconds: number;
};

export class InvalidSettingsError extends Error {
  constructor(readonly issues: { key: string; message: string }[]) {
    super(`Invalid settings: ${issues.map((i) => `${i.key}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidSettingsError';
  }
}

/** Environment variable → settings key (dot path). Empty strings count as unset. */
export const ENVIRONMENT_KEYS: Record<string, string> = {
  PORT: 'port',
  MONGODB_URI: 'mongodbUri',
  DATA_DIR: 'dataDir',
  REDIS_URL: 'redisUrl',
  QUEUE_PREFIX: 'queuePrefix',
  WORKER: 'worker',
  LOG_LEVEL: 'logLevel',
  ADMIN_API_KEY: 'adminApiKey',
  SECRETS_KEY: 'secretsKey',
  DEMO: 'demo',
  COLLECT_INTERVAL_SECONDS: 'collectIntervalSeconds',
  COLLECT_ON_DEMAND_INTERVAL_SECONDS: 'collectOnDemandIntervalSeconds',
  X_BEARER_TOKEN: 'x.bearerToken',
  X_API_BASE_URL: 'x.apiBaseUrl',
  X_MONTHLY_READ_CAP: 'x.monthlyReadCap',
  X_WORKSPACE_MONTHLY_READ_CAP: 'x.workspaceMonthlyReadCap',
  BLUESKY_IDENTIFIER: 'bluesky.identifier',
  BLUESKY_APP_PASSWORD: 'bluesky.appPassword',
  BLUESKY_SERVICE: 'bluesky.service',
  MASTODON_URL: 'mastodon.url',
  MASTODON_ACCESS_TOKEN: 'mastodon.accessToken',
  META_ACCESS_TOKEN: 'meta.accessToken',
  META_APP_SECRET: 'meta.appSecret',
  META_WEBHOOK_VERIFY_TOKEN: 'meta.webhookVerifyToken',
  META_GRAPH_URL: 'meta.graphUrl',
  WHATSAPP_PHONE_NUMBER_ID: 'meta.whatsappPhoneNumberId',
  YOUTUBE_API_KEY: 'youtube.apiKey',
  YOUTUBE_API_URL: 'youtube.apiUrl',
  YOUTUBE_OAUTH_CLIENT_ID: 'youtube.oauthClientId',
  YOUTUBE_OAUTH_CLIENT_SECRET: 'youtube.oauthClientSecret',
  YOUTUBE_OAUTH_REFRESH_TOKEN: 'youtube.oauthRefreshToken',
  GOOGLE_OAUTH_TOKEN_URL: 'youtube.oauthTokenUrl',
  YOUTUBE_DAILY_QUOTA: 'youtube.dailyQuota',
  REDDIT_CLIENT_ID: 'reddit.clientId',
  REDDIT_CLIENT_SECRET: 'reddit.clientSecret',
  REDDIT_USER_AGENT: 'reddit.userAgent',
  REDDIT_USERNAME: 'reddit.username',
  REDDIT_PASSWORD: 'reddit.password',
  REDDIT_API_URL: 'reddit.apiUrl',
  REDDIT_AUTH_URL: 'reddit.authUrl',
  BACKFILL_DAYS: 'backfillDays',
  REFRESH_METRICS_INTERVAL_SECONDS: 'refreshMetricsIntervalSeconds',
  CARE_SCAN_INTERVAL_SECONDS: 'careScanIntervalSeconds',
  ALERT_SCAN_INTERVAL_SECONDS: 'alertScanIntervalSeconds',
  SMTP_URL: 'digest.smtpUrl',
  DIGEST_FROM: 'digest.from',
  DIGEST_LINK_BASE_URL: 'digest.linkBaseUrl',
  DIGEST_SCAN_INTERVAL_SECONDS: 'digest.scanIntervalSeconds',
  EXPORT_LINK_SECRET: 'exportLinks.secret',
  EXPORT_LINK_TTL_SECONDS: 'exportLinks.ttlSeconds',
  OUTBOUND_ALLOW_PRIVATE: 'outbound.allowPrivate',
  OUTBOUND_ALLOWED_CIDRS: 'outbound.allowedCidrs',
  OUTBOUND_DNS_SERVERS: 'outbound.dnsServers',
  RATE_LIMIT_PER_MINUTE: 'rateLimit.perMinute',
  AUTH_FAILURE_LIMIT_PER_MINUTE: 'rateLimit.authFailuresPerMinute',
  SSE_STREAMS_PER_KEY: 'rateLimit.sseStreamsPerKey',
  SSE_KEY_RECHECK_SECONDS: 'rateLimit.sseKeyRecheckSeconds',
  TRUST_PROXY: 'trustProxy',
};

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new InvalidSettingsError([{ key: path, message: `cannot read settings file: ${(err as Error).message}` }]);
  }
}

type Tree = Record<string, unknown>;

function setPath(target: Tree, path: string, value: unknown) {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Tree;
  node[parts[parts.length - 1]] = value;
}

function deepMerge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const under = base[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && under && typeof under === 'object' ? deepMerge(under as Tree, v as Tree) : v;
  }
  return out;
}

export interface LoadSettingsOptions {
  configDir?: string;
  /** Values applied after the files and the environment (tests use this). */
  overrides?: Record<string, unknown>;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env, options: LoadSettingsOptions = {}): Settings {
  const configDir = options.configDir ?? join(__dirname, '..', '..', 'config');
  const fallbackDir = join(process.cwd(), 'config');
  const dir = existsSync(join(configDir, 'default.json')) ? configDir : fallbackDir;
  let raw = readJson(join(dir, 'default.json'));
  if (existsSync(join(dir, 'local.json'))) raw = deepMerge(raw, readJson(join(dir, 'local.json')));
  for (const [name, key] of Object.entries(ENVIRONMENT_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, key, value);
  }
  // Test-only (see takeoverMs), read only under NODE_ENV=test: the scale-out suite's service
  // processes take a killed worker's job up sooner; every deployment keeps 30 s.
  if (env.NODE_ENV === 'test' && env.TAKEOVER_MS) setPath(raw, 'takeoverMs', env.TAKEOVER_MS);
  if (options.overrides) raw = deepMerge(raw, options.overrides);

  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const byKey = Object.fromEntries(Object.entries(ENVIRONMENT_KEYS).map(([k, v]) => [v, k]));
    throw new InvalidSettingsError(
      parsed.error.issues.map((issue) => {
        const key = issue.path.join('.') || '(root)';
        const envName = byKey[key];
        return { key: envName ? `${envName} (${key})` : key, message: issue.message };
      }),
    );
  }
  const s = parsed.data;
  const demo = s.demo ?? !s.x.bearerToken;
  return {
    ...s,
    dataDir: s.dataDir === ':memory:' ? null : s.dataDir,
    demo,
    collectIntervalSeconds: s.collectIntervalSeconds ?? (demo ? 60 : 300),
  };
}

export const SETTINGS = Symbol('SETTINGS');
