import { Inject, Injectable } from '@nestjs/common';
import type { Platform } from '../common/platform';
import { META_PAGE_VARIABLES, META_WHATSAPP_VARIABLES, Settings, SETTINGS } from './settings';

/** An X API v2 endpoint and the app-only bearer token to call it with. */
export interface XApiTarget {
  /** the v2 base URL, e.g. https://api.x.com/2/ */
  baseUrl: string;
  bearerToken: string;
  /** PEM certificate(s) to trust besides the public roots, for an endpoint with a private CA */
  ca?: string;
}

/** A Bluesky PDS or entryway and the app password to log in with. */
export interface BlueskyTarget {
  service: string;
  identifier: string;
  password: string;
}

/** A Mastodon instance and an access token with the `read` scope (and `write:statuses` to reply). */
export interface MastodonTarget {
  /** the instance, e.g. https://mastodon.social */
  url: string;
  accessToken: string;
}

/** Meta's Graph API (Facebook Pages, Instagram accounts): its versioned base URL, the token, and the app secret that signs calls. */
export interface MetaTarget {
  /** e.g. https://graph.facebook.com/v24.0/ (always ending in /) */
  graphUrl: string;
  accessToken: string;
  appSecret: string;
  /** answers Meta's webhook verification; null when webhooks are not set up */
  webhookVerifyToken: string | null;
}

/** WhatsApp Business: the Graph target and the number that receives and answers messages. */
export interface WhatsAppTarget extends MetaTarget {
  phoneNumberId: string;
  webhookVerifyToken: string;
}

/** Reddit's OAuth API: an app (application-only reads), and a script app's account to reply with when set. */
export interface RedditTarget {
  /** e.g. https://oauth.reddit.com/ (always ending in /) */
  apiUrl: string;
  /** the token endpoint, e.g. https://www.reddit.com/api/v1/access_token */
  authUrl: string;
  clientId: string;
  clientSecret: string;
  userAgent: string;
  /** the brand's account (a script app's developer), null when replies are not set up */
  account: { username: string; password: string } | null;
}

/** YouTube Data API v3: its base URL and API key (reads), the daily quota, and the brand channel's OAuth grant when replies are set up. */
export interface YouTubeTarget {
  /** e.g. https://www.googleapis.com/youtube/v3/ (always ending in /) */
  apiUrl: string;
  apiKey: string;
  dailyQuota: number;
  /** the token endpoint (https://oauth2.googleapis.com/token) and the refresh-token grant; null when replies are not set up */
  oauth: { tokenUrl: string; clientId: string; clientSecret: string; refreshToken: string } | null;
}

export interface NetworkTargetMap {
  x: XApiTarget | null;
  bluesky: BlueskyTarget | null;
  mastodon: MastodonTarget | null;
  /** Facebook and Instagram */
  meta: MetaTarget | null;
  whatsapp: WhatsAppTarget | null;
  youtube: YouTubeTarget | null;
  reddit: RedditTarget | null;
}

export type NetworkName = keyof NetworkTargetMap;

/** What the settings say about each network (`X_BEARER_TOKEN` + `X_API_BASE_URL`, `BLUESKY_*`, `MASTODON_*`); null when unset. */
export function networkTargetsFromSettings(settings: Settings): NetworkTargetMap {
  const { x, bluesky, mastodon, meta, reddit } = settings;
  const metaTarget: MetaTarget | null =
    meta.accessToken && meta.appSecret
      ? { graphUrl: meta.graphUrl, accessToken: meta.accessToken, appSecret: meta.appSecret, webhookVerifyToken: meta.webhookVerifyToken }
      : null;
  return {
    meta: metaTarget,
    whatsapp:
      metaTarget && meta.whatsappPhoneNumberId && meta.webhookVerifyToken
        ? { ...metaTarget, webhookVerifyToken: meta.webhookVerifyToken, phoneNumberId: meta.whatsappPhoneNumberId }
        : null,
    x: x.bearerToken ? { baseUrl: x.apiBaseUrl, bearerToken: x.bearerToken } : null,
    bluesky:
      bluesky.identifier && bluesky.appPassword
        ? { service: bluesky.service, identifier: bluesky.identifier, password: bluesky.appPassword }
        : null,
    mastodon: mastodon.url && mastodon.accessToken ? { url: mastodon.url, accessToken: mastodon.accessToken } : null,
    youtube: settings.youtube.apiKey ? youtubeTargetOf(settings.youtube, settings.youtube.apiKey) : null,
    reddit:
      reddit.clientId && reddit.clientSecret && reddit.userAgent
        ? {
            apiUrl: reddit.apiUrl,
            authUrl: reddit.authUrl,
            clientId: reddit.clientId,
            clientSecret: reddit.clientSecret,
            userAgent: reddit.userAgent,
            account: reddit.username && reddit.password ? { username: reddit.username, password: reddit.password } : null,
          }
        : null,
  };
}

function youtubeTargetOf(y: Settings['youtube'], apiKey: string): YouTubeTarget {
  const oauth =
    y.oauthClientId && y.oauthClientSecret && y.oauthRefreshToken
      ? { tokenUrl: y.oauthTokenUrl, clientId: y.oauthClientId, clientSecret: y.oauthClientSecret, refreshToken: y.oauthRefreshToken }
      : null;
  return { apiUrl: y.apiUrl, apiKey, dailyQuota: y.dailyQuota, oauth };
}

/**
 * Where each network's API is and which credentials to use: the configuration the collectors read,
 * filled from the settings at start-up. Something else on the installation that serves a network
 * itself (the demo's local networks) configures it here, in the same terms as the settings.
 *
 * The settings' own values (and so read quotas and what the settings endpoints show) are untouched.
 */
@Injectable()
export class NetworkTargets {
  private readonly targets: NetworkTargetMap;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    this.targets = networkTargetsFromSettings(settings);
  }

  /**
   * The settings a topic on `platform` still needs (environment names), none when the network is
   * configured (by the settings, or by the demo's local networks). Only Meta's channels are
   * checked when a topic is saved; the others report a missing setting when collected.
   */
  missingSettings(platform: Platform): string[] {
    const network = platform === 'facebook' || platform === 'instagram' ? 'meta' : platform === 'whatsapp' ? 'whatsapp' : null;
    if (!network || this.configured(network)) return [];
    const variables = network === 'meta' ? META_PAGE_VARIABLES : META_WHATSAPP_VARIABLES;
    return variables.filter(([, key]) => !this.settings.meta[key]).map(([name]) => name);
  }

  get<N extends NetworkName>(network: N): NetworkTargetMap[N] {
    return this.targets[network];
  }

  configured(network: NetworkName): boolean {
    return this.targets[network] !== null;
  }

  /** Aims a network at another endpoint; the collectors use it from their next call. */
  set<N extends NetworkName>(network: N, target: NonNullable<NetworkTargetMap[N]>): void {
    this.targets[network] = target;
  }
}
