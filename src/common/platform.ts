/** The networks a topic can be collected from. */
export const PLATFORMS = ['x', 'bluesky', 'mastodon'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** How each network is named to a user (messages, errors). */
export const PLATFORM_NAMES: Record<Platform, string> = { x: 'X', bluesky: 'Bluesky', mastodon: 'Mastodon' };
