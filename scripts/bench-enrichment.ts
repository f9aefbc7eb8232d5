/**
 * Throughput of the whole enrich() step (language detection, sentiment, intent, routing) on one
 * thread.
 *
 *   node -r @swc-node/register scripts/bench-enrichment.ts [--seconds 3] [file.jsonl ...]
 *
 * Texts: the labelled tweets in ../shared/data/sentiment/ (or the files given), each run twice:
 * with the platform's `lang` (X sends one with every post) and without it (worst case: the
 * detector alone, tinyld for the posts its word count cannot call). Reports texts per second of
 * wall-clock time and per second of this process's CPU time (user + system), which is the
 * per-core figure even when other processes share the machine.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createEnrichmentService } from '../src/enrichment/enrichment.factory';
import { EnrichmentInput, RoutingRule } from '../src/enrichment/enrichment.types';
import { LanguageDetector } from '../src/enrichment/language/language-detector';
import { readLabelledFile } from '../src/enrichment/sentiment/labelled-data';

const dataDir = resolve(__dirname, '../../shared/data/sentiment');
const routingRules: RoutingRule[] = [
  { keyword: 'cartão', team: 'cards' },
  { keyword: 'card', team: 'cards' },
  { keyword: 'pix', team: 'payments', agentId: 'agent-7' },
  { keyword: 'login', team: 'access' },
  { keyword: 'senha', team: 'access' },
];

function parseArgs(argv: string[]) {
  let seconds = 3;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds') seconds = Number(argv[++i]);
    else files.push(resolve(argv[i]));
  }
  if (files.length === 0) {
    for (const f of ['en-dev.jsonl', 'pt-train.jsonl', 'pt-dev.jsonl']) {
      if (existsSync(join(dataDir, f))) files.push(join(dataDir, f));
    }
  }
  if (files.length === 0) throw new Error(`no input files (looked in ${dataDir})`);
  return { seconds, files };
}

function run(label: string, inputs: EnrichmentInput[], seconds: number) {
  const service = createEnrichmentService();
  for (const input of inputs) service.enrich(input, { routingRules });
  let count = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  const deadline = wallStart + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < deadline) {
    for (const input of inputs) service.enrich(input, { routingRules });
    count += inputs.length;
  }
  const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US').padStart(9);
  console.log(
    `${label.padEnd(34)} ${fmt(count / wall)} texts/s wall   ${fmt(count / cpuSeconds)} texts/s per CPU-second   (${count.toLocaleString('en-US')} texts)`,
  );
}

function main() {
  const { seconds, files } = parseArgs(process.argv.slice(2));
  const loaded = files.map(readLabelledFile);
  const withLang: EnrichmentInput[] = loaded.flatMap((f) => f.rows.map((r) => ({ text: r.text, platformLang: f.language ?? null })));
  const withoutLang: EnrichmentInput[] = withLang.map((i) => ({ text: i.text }));
  console.log(`enrich() on ${withLang.length} posts from ${loaded.map((f) => f.name).join(', ')}, one thread, ${seconds}s each`);

  const detector = new LanguageDetector();
  const methods: Record<string, number> = {};
  for (const input of withoutLang) {
    const m = detector.detectWithMethod(input.text).method;
    methods[m] = (methods[m] ?? 0) + 1;
  }
  console.log(`language decided by (without platform lang): ${JSON.stringify(methods)}`);

  run('with platform lang (X `lang`)', withLang, seconds);
  run('without platform lang', withoutLang, seconds);
}

main();
