/** The networks a topic can be collected from (WhatsApp is a private care channel: messages, never public mentions). */
export const PLATFORMS = ['x', 'bluesky', 'mastodon', 'facebook', 'instagram', 'whatsapp', 'reddit', 'youtube'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The networks of public listening (mention volume, share of voice): WhatsApp's messages are private care, never mentions. */
export const LISTENING_PLATFORMS = PLATFORMS.filter((p) => p !== 'whatsapp');

/** How each network is named to a user (messages, errors). */
export const PLATFORM_NAMES: Record<Platform, string> = {
  x: 'X',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  facebook: 'Facebook',
  instagram: 'Instagram',
  whatsapp: 'WhatsApp',
  reddit: 'Reddit',
  youtube: 'YouTube',
};
