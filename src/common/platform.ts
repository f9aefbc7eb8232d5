/** The networks a topic can be collected from (WhatsApp is a private care channel: messages, never public mentions). */
export const PLATFORMS = ['x', 'bluesky', 'mastodon', 'facebook', 'instagram', 'whatsapp', 'reddit', 'youtube'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** How each network is named to a user (messages, errors). */
export const PLATFORM_NAMES: Record<Platform, string> = { x: 'X', bluesky: 'Bluesky', mastodon: 'Mastodon', facebook: 'Facebook', instagram: 'Instagram', whatsapp: 'WhatsApp', reddit: 'Reddit', youtube: 'YouTube' };
