import type { Settings } from '../../config/settings';

/** The META_* and WHATSAPP_* settings the webhooks and the WhatsApp channel read. */
export interface MetaChannelSettings {
  accessToken: string | null;
  appSecret: string | null;
  webhookVerifyToken: string | null;
  graphUrl: string;
  whatsappPhoneNumberId: string | null;
}

export function metaSettingsOf(settings: Settings): MetaChannelSettings {
  const meta = (settings as Settings & { meta?: Partial<MetaChannelSettings> }).meta ?? {};
  return {
    accessToken: meta.accessToken ?? null,
    appSecret: meta.appSecret ?? null,
    webhookVerifyToken: meta.webhookVerifyToken ?? null,
    graphUrl: meta.graphUrl ?? 'https://graph.facebook.com/v24.0/',
    whatsappPhoneNumberId: meta.whatsappPhoneNumberId ?? null,
  };
}
