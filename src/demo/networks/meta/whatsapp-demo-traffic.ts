import { LUMI_BRAND, type DemoBrand } from '../../traffic/demo-brand';
import { FOLLOW_UP_TEMPLATES, fillTemplate, MENTION_TEMPLATES, NAMES, type DemoLanguage } from '../../traffic/demo-phrases';
import { SeededRandom } from '../shared/seeded-random';
import type { WhatsAppEmulator } from './whatsapp-emulator';

/**
 * The demo's WhatsApp customers: people who write to the brand's business number for help, in
 * Portuguese mostly and in English, with the same phrases as the public traffic (support,
 * complaints, questions), some coming back to their conversation later. The backfill spreads
 * conversations over the last 36 hours, so the inbox shows open service windows and closed ones.
 */
export class WhatsAppDemoTraffic {
  private readonly random: SeededRandom;
  private readonly customers: { phone: string; name: string; language: DemoLanguage }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly whatsapp: WhatsAppEmulator,
    private readonly options: { seed?: number | string; brand?: DemoBrand; onError?: (err: unknown) => void } = {},
  ) {
    this.random = new SeededRandom(options.seed ?? 'whatsapp-demo');
  }

  /** Writes `conversations` conversations of the last 36 hours (oldest first); resolves when delivered. */
  async backfill(conversations = 8, now = new Date()): Promise<number> {
    const times = Array.from({ length: conversations }, () => now.getTime() - this.random.uniform(0.2, 36) * 3600_000).sort(
      (a, b) => a - b,
    );
    let written = 0;
    for (const t of times) {
      const customer = this.newCustomer();
      await this.whatsapp.customerWrites({
        from: customer.phone,
        name: customer.name,
        text: this.firstMessage(customer.language),
        at: new Date(t),
      });
      written++;
      if (this.random.chance(0.4)) {
        const later = Math.min(now.getTime() - 60_000, t + this.random.uniform(5, 90) * 60_000);
        await this.whatsapp.customerWrites({
          from: customer.phone,
          name: customer.name,
          text: this.followUp(customer.language),
          at: new Date(later),
        });
        written++;
      }
    }
    return written;
  }

  /** One new message now: a new customer most of the time, else one coming back to their conversation. */
  async tick(now = new Date()): Promise<void> {
    const returning = this.customers.length > 0 && this.random.chance(0.3) ? this.random.pick(this.customers) : null;
    const customer = returning ?? this.newCustomer();
    await this.whatsapp.customerWrites({
      from: customer.phone,
      name: customer.name,
      text: returning ? this.followUp(customer.language) : this.firstMessage(customer.language),
      at: now,
    });
  }

  start(everyMs: number): void {
    this.timer = setInterval(() => void this.tick().catch((err) => this.options.onError?.(err)), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private newCustomer() {
    const language: DemoLanguage = this.random.chance(0.8) ? 'pt' : 'en';
    const names = NAMES[language];
    const customer = {
      // Brazilian mobiles (55 + area code + 9 digits) and US ones, as WhatsApp ids (digits only)
      phone:
        language === 'pt'
          ? `55${this.random.pick(['11', '21', '31', '41', '51', '71', '81'])}9${this.random.int(10_000_000, 99_999_999)}`
          : `1${this.random.int(200, 989)}${this.random.int(1_000_000, 9_999_999)}`,
      name: `${this.random.pick(names.first)} ${this.random.pick(names.last)}`,
      language,
    };
    this.customers.push(customer);
    return customer;
  }

  private firstMessage(language: DemoLanguage): string {
    const kind = this.random.weighted({ support: 5, complaint: 2, question: 3 });
    return this.fill(this.random.pick(MENTION_TEMPLATES[kind][language]), language);
  }

  private followUp(language: DemoLanguage): string {
    return this.fill(this.random.pick(FOLLOW_UP_TEMPLATES[language]), language);
  }

  private fill(template: string, language: DemoLanguage): string {
    const brand = this.options.brand ?? LUMI_BRAND;
    return fillTemplate(
      template,
      { brand: brand.name, at: `@${brand.careAccount.username}`, care: `@${brand.careAccount.username}`, tag: `#${brand.hashtag}` },
      language,
      this.random,
    );
  }
}
