import 'reflect-metadata';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.factory';
import { loadSettings } from '../../src/config/settings';

/** The real application on the embedded engine (memory only), without the demo or schedules. */
export async function startBenchApp(overrides: Record<string, unknown> = {}): Promise<NestExpressApplication> {
  const settings = loadSettings(
    {},
    {
      overrides: {
        dataDir: ':memory:',
        demo: false,
        logLevel: 'warn',
        adminApiKey: 'ouv_bench-admin-key-0123456789abcdef',
        collectIntervalSeconds: 86400,
        careScanIntervalSeconds: 3600,
        alertScanIntervalSeconds: 3600,
        refreshMetricsIntervalSeconds: 86400,
        worker: false,
        // The benches measure throughput, which the per-key limit would cap.
        rateLimit: { perMinute: 10_000_000 },
        ...overrides,
      },
    },
  );
  const app = await createApp(settings);
  await app.init();
  return app;
}

export function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { median: at(0.5), p95: at(0.95), min: s[0], max: s[s.length - 1] };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A deterministic PRNG (mulberry32, shared with the demo), so every run seeds the same data. */
export { prng } from '../../src/common/prng';

/** Mention texts in the register of the demo brand: pt-BR and English, every intent. */
export const SAMPLE_TEXTS = [
  '@lumi_br meu cartão foi bloqueado, preciso de ajuda',
  '@lumi_br my lumi card was charged twice, please help',
  '@lumi_br como faço para emitir a segunda via da fatura da lumi?',
  'quero contratar o plano da lumi, como assino?',
  'Adoro a Lumi, atendimento excelente! 😍',
  'I love Lumi, best bank app ever!',
  'Vi um anúncio da Lumi no metrô hoje',
  'lumi é a pior empresa, péssimo atendimento, quero cancelar',
  'the lumi app keeps crashing when I open my statement, so frustrating',
  'alguém sabe se a Lumi tem conta pra empresa?',
  'Lumi resolveu meu problema em 5 minutos, nota 10 👏',
  'how do I sign up for Lumi premium?',
];
