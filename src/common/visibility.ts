/**
 * Where a channel's messages are seen. `public` posts are listening material (mention volume,
 * share of voice, sentiment share) and care material when they ask for help; `private` channels
 * (WhatsApp) are conversations with the brand: every message is a care message, counted in
 * inbound support volume, cases and care KPIs, and never in public listening.
 */
export type Visibility = 'public' | 'private';

const PRIVATE_CHANNELS: ReadonlySet<string> = new Set(['whatsapp']);

export const visibilityOf = (platform: string): Visibility => (PRIVATE_CHANNELS.has(platform) ? 'private' : 'public');
export const isPrivateChannel = (platform: string): boolean => PRIVATE_CHANNELS.has(platform);
/** The private channels, for queries that leave them out of listening. */
export const privateChannels = (): string[] => [...PRIVATE_CHANNELS];
