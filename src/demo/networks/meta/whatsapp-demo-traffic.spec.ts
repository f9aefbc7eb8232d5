import { MetaGraphEmulator } from './meta-graph-emulator';
import { WhatsAppDemoTraffic } from './whatsapp-demo-traffic';
import { WhatsAppEmulator } from './whatsapp-emulator';

describe('WhatsAppDemoTraffic', () => {
  it('backfills conversations over 36 hours, some windows open and some closed, and the same with the same seed', async () => {
    const now = new Date('2026-12-06T12:00:00Z');
    const run = async () => {
      const whatsapp = new WhatsAppEmulator(new MetaGraphEmulator(), { phoneNumberId: '106540352242922' });
      const written = await new WhatsAppDemoTraffic(whatsapp, { seed: 7 }).backfill(8, now);
      return { written, conversations: [...whatsapp.conversations.values()] };
    };
    const { written, conversations } = await run();
    expect(conversations).toHaveLength(8);
    expect(written).toBe(conversations.reduce((n, c) => n + c.messages.length, 0));
    const ages = conversations.map((c) => (now.getTime() - c.lastInboundAt!.getTime()) / 3600_000);
    expect(ages.every((h) => h > 0 && h <= 36)).toBe(true);
    expect(ages.some((h) => h < 24)).toBe(true);
    expect(ages.some((h) => h >= 24)).toBe(true);
    expect(conversations.every((c) => /^\d{11,13}$/.test(c.customer) && c.messages.every((m) => m.text.length > 0))).toBe(true);
    expect((await run()).conversations.map((c) => c.customer)).toEqual(conversations.map((c) => c.customer));
  });
});
