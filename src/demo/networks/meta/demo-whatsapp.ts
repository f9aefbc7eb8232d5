import { META_EMULATOR_APP_SECRET, META_EMULATOR_TOKEN, MetaGraphEmulator } from './meta-graph-emulator';
import { MetaWebhookSender } from './webhook-sender';
import { WhatsAppDemoTraffic } from './whatsapp-demo-traffic';
import { WhatsAppEmulator } from './whatsapp-emulator';

/** The demo's WhatsApp Business number id. */
export const DEMO_WHATSAPP_PHONE_NUMBER_ID = '106540352242922';
/** The demo's webhook verify token (the handshake is the installer's step; shown for completeness). */
export const DEMO_WEBHOOK_VERIFY_TOKEN = 'ouvidor-demo-verify-token';

export interface DemoWhatsApp {
  graphUrl: string;
  accessToken: string;
  appSecret: string;
  phoneNumberId: string;
  webhookVerifyToken: string;
  whatsapp: WhatsAppEmulator;
  /** writes the backfill's conversations (once the app answers its webhook), then one message every `everyMs` */
  run(opts: { backfill: boolean; everyMs: number }): Promise<number>;
  stop(): Promise<void>;
}

/**
 * WhatsApp for `npm start`: a business number on a Graph emulator (the one given, shared with the
 * demo's Facebook and Instagram, or one of its own), whose customers' messages and reply statuses
 * reach the app through its real webhook endpoint, signed as Meta signs them. `callbackUrl` is
 * asked at each delivery (the app listens only after the demo starts); deliveries are retried with
 * back-off until it answers, as Meta does.
 */
export async function startDemoWhatsApp(opts: {
  callbackUrl: () => string | null;
  emulator?: MetaGraphEmulator;
  onError?: (err: unknown) => void;
}): Promise<DemoWhatsApp> {
  const own = !opts.emulator;
  const emulator = opts.emulator ?? new MetaGraphEmulator({ recordRequests: false });
  const graphUrl = own ? (await emulator.start()).graphUrl : emulator.graphUrl!;
  const webhooks = new MetaWebhookSender({
    callbackUrl: opts.callbackUrl,
    appSecret: META_EMULATOR_APP_SECRET,
    retries: { attempts: 8, delayMs: 1_000 },
  });
  const whatsapp = new WhatsAppEmulator(emulator, { phoneNumberId: DEMO_WHATSAPP_PHONE_NUMBER_ID, webhooks, statusDelayMs: 1_500 });
  const traffic = new WhatsAppDemoTraffic(whatsapp, { onError: opts.onError });
  return {
    graphUrl,
    accessToken: META_EMULATOR_TOKEN,
    appSecret: META_EMULATOR_APP_SECRET,
    phoneNumberId: DEMO_WHATSAPP_PHONE_NUMBER_ID,
    webhookVerifyToken: DEMO_WEBHOOK_VERIFY_TOKEN,
    whatsapp,
    async run({ backfill, everyMs }) {
      const written = backfill ? await traffic.backfill() : 0;
      traffic.start(everyMs);
      return written;
    },
    async stop() {
      traffic.stop();
      if (own) await emulator.stop();
    },
  };
}
