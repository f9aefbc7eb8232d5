/**
 * `npm run docs:kpis`: writes docs/KPIS.md from the KPI catalogue. With `--check`, exits 1 when
 * the file differs from the catalogue instead of writing it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KPIS_DOC_PATH, renderKpisDoc } from '../kpis/docs';

const path = resolve(__dirname, '../../..', KPIS_DOC_PATH);
const text = renderKpisDoc();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // a missing file differs like any other
  }
  if (current !== text) {
    process.stderr.write(`${KPIS_DOC_PATH} differs from src/reports/kpis/catalogue.ts; run npm run docs:kpis\n`);
    process.exit(1);
  }
} else {
  writeFileSync(path, text);
  process.stdout.write(`wrote ${KPIS_DOC_PATH}\n`);
}
