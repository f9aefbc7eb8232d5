/**
 * Induced sentiment lexicon: a ridge regression from GloVe 6B 100-d word vectors to lexicon
 * valence (AFINN-165 and VADER, never tweet labels), used to give a polarity to words the two
 * lexicons lack. Used by the table builder (build-induced-lexicon.ts).
 */
import afinnEnglish from 'sentiment/languages/en/labels.json';
import vaderEnglish from '../lexicon/vader-en.json';

export const DIM = 100;

export interface Vectors {
  words: string[];
  index: Map<string, number>;
  data: Float32Array;
}

const PLAIN_WORD = /^[a-z][a-z'-]*[a-z]$/;

/** word -> valence on the AFINN scale (-5..5): AFINN-165, VADER x 1.25, averaged when both. */
export function lexiconValences(): Map<string, number> {
  const afinn = afinnEnglish as Record<string, number>;
  const vader = vaderEnglish as Record<string, number>;
  const out = new Map<string, number>();
  for (const word of new Set([...Object.keys(afinn), ...Object.keys(vader)])) {
    const values: number[] = [];
    if (Object.hasOwn(afinn, word)) values.push(afinn[word]);
    if (Object.hasOwn(vader, word)) values.push(vader[word] * 1.25);
    out.set(word, values.reduce((a, b) => a + b, 0) / values.length);
  }
  return out;
}

export function isPlainWord(word: string): boolean {
  return PLAIN_WORD.test(word);
}

/** L2-normalised copy of a word's vector, with a trailing 1 for the intercept. */
export function featureOf(v: Vectors, row: number, normalise: boolean): Float64Array {
  const x = new Float64Array(DIM + 1);
  let norm = 0;
  for (let d = 0; d < DIM; d++) {
    x[d] = v.data[row * DIM + d];
    norm += x[d] * x[d];
  }
  if (normalise && norm > 0) {
    const s = 1 / Math.sqrt(norm);
    for (let d = 0; d < DIM; d++) x[d] *= s;
  }
  x[DIM] = 1;
  return x;
}

/** Closed-form ridge (intercept not penalised): w = (X'WX + λI)^-1 X'Wy. */
export function fitRidge(xs: Float64Array[], ys: number[], lambda: number, weights?: number[]): Float64Array {
  const p = DIM + 1;
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let r = 0; r < xs.length; r++) {
    const x = xs[r];
    const w = weights ? weights[r] : 1;
    for (let i = 0; i < p; i++) {
      const xi = x[i] * w;
      if (xi === 0) continue;
      b[i] += xi * ys[r];
      for (let j = i; j < p; j++) a[i * p + j] += xi * x[j];
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) a[i * p + j] = a[j * p + i];
  for (let i = 0; i < DIM; i++) a[i * p + i] += lambda;
  return solveSymmetric(a, b, p);
}

function solveSymmetric(a: Float64Array, b: Float64Array, n: number): Float64Array {
  // Cholesky: a = L L'
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

export function predict(w: Float64Array, x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += w[i] * x[i];
  return s;
}

export interface InducedOptions {
  /** Frequent non-lexicon GloVe words used as valence-0 anchors. */
  anchors: number;
  /** Words (by GloVe frequency rank) that get a predicted valence. */
  vocabulary: number;
  /** Keep |valence| >= threshold. */
  threshold: number;
  /** Ridge penalty; undefined: chosen by 5-fold CV on the word pairs. */
  lambda?: number;
  normalise: boolean;
  /** Anchor words are known-neutral: keep them out of the table (else they get their cross-fitted prediction). */
  anchorsZero: boolean;
  /** Also give lexicon words their induced value (for "all words" features). */
  includeLexicon: boolean;
  log?: (line: string) => void;
}

export interface InducedLexicon {
  table: Map<string, number>;
  lambda: number;
  cv: { lambda: number; rmse: number; r: number }[];
  trainingPairs: number;
}

/** Builds word -> induced valence. Deterministic. */
export function induceLexicon(v: Vectors, options: InducedOptions): InducedLexicon {
  const lexicon = lexiconValences();
  const xs: Float64Array[] = [];
  const ys: number[] = [];
  const rowsOf: number[] = [];
  let anchors = 0;
  for (let row = 0; row < v.words.length; row++) {
    const word = v.words[row];
    if (!isPlainWord(word)) continue;
    const valence = lexicon.get(word);
    if (valence !== undefined) {
      xs.push(featureOf(v, row, options.normalise));
      ys.push(valence);
      rowsOf.push(row);
    } else if (anchors < options.anchors) {
      anchors++;
      xs.push(featureOf(v, row, options.normalise));
      ys.push(0);
      rowsOf.push(row);
    }
  }
  const folds = xs.map((_, i) => (i * 7919) % 5);
  const cv: InducedLexicon['cv'] = [];
  const crossFit = (lambda: number) => {
    const out = new Float64Array(xs.length);
    for (let f = 0; f < 5; f++) {
      const train = xs.map((_, i) => i).filter((i) => folds[i] !== f);
      const w = fitRidge(
        train.map((i) => xs[i]),
        train.map((i) => ys[i]),
        lambda,
      );
      xs.forEach((x, i) => {
        if (folds[i] === f) out[i] = predict(w, x);
      });
    }
    return out;
  };
  let lambda = options.lambda;
  let bestOof: Float64Array | undefined;
  if (lambda === undefined) {
    let best = Infinity;
    for (const candidate of options.normalise ? [0.1, 0.3, 1, 3, 10, 30] : [1, 3, 10, 30, 100, 300]) {
      const oof = crossFit(candidate);
      let se = 0;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let i = 0; i < ys.length; i++) {
        se += (oof[i] - ys[i]) ** 2;
        sx += oof[i];
        sy += ys[i];
        sxx += oof[i] * oof[i];
        syy += ys[i] * ys[i];
        sxy += oof[i] * ys[i];
      }
      const n = ys.length;
      const r = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
      const rmse = Math.sqrt(se / n);
      cv.push({ lambda: candidate, rmse, r });
      options.log?.(`ridge lambda ${candidate}: rmse ${rmse.toFixed(3)} r ${r.toFixed(3)}`);
      if (rmse < best) {
        best = rmse;
        lambda = candidate;
        bestOof = oof;
      }
    }
  }
  const chosen = lambda as number;
  const w = fitRidge(xs, ys, chosen);
  const anchorRows = new Set<number>();
  rowsOf.forEach((row, i) => {
    if (ys[i] === 0 && !lexicon.has(v.words[row])) anchorRows.add(row);
  });
  const oofByRow = new Map<number, number>();
  if (!options.anchorsZero) {
    const oof = bestOof ?? crossFit(chosen);
    rowsOf.forEach((row, i) => {
      if (anchorRows.has(row)) oofByRow.set(row, oof[i]);
    });
  }
  const table = new Map<string, number>();
  const limit = Math.min(options.vocabulary, v.words.length);
  for (let row = 0; row < limit; row++) {
    const word = v.words[row];
    if (!isPlainWord(word)) continue;
    if (lexicon.has(word) && !options.includeLexicon) continue;
    if (anchorRows.has(row) && options.anchorsZero) continue;
    const value = oofByRow.get(row) ?? predict(w, featureOf(v, row, options.normalise));
    if (Math.abs(value) >= options.threshold) table.set(word, Math.round(value * 100) / 100);
  }
  return { table, lambda: chosen, cv, trainingPairs: xs.length };
}
