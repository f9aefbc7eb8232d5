import { SparseVector } from './features';

/**
 * Multinomial logistic regression (softmax) over sparse vectors, trained by L-BFGS on the
 * columns that occur in the training rows only (a hashed space has 2^18 columns, a few thousand
 * tweets touch a few tens of thousands; the rest would stay at zero under L2 anyway).
 *
 * Written here rather than taken from a library because the candidates on npm
 * (ml-logistic-regression: one-vs-rest over dense matrices) would need a dense
 * rows x 2^18 matrix; this is ~150 lines and deterministic.
 */
export interface SoftmaxTrainingOptions {
  /** L2 penalty on the hashed (word) columns, per training row. */
  l2: number;
  /** L2 penalty on the dense lexicon columns (the bias, column 0, is never penalised). */
  l2Dense: number;
  /** Columns below this index are "dense" for the purpose of the penalty. */
  denseCount: number;
  maxIterations: number;
  /** Weight of each class in the loss (balances skewed label distributions). */
  classWeights?: number[];
  /** Weight of each row in the loss (e.g. rows from another domain count less). */
  sampleWeights?: number[];
}

export interface TrainedWeights {
  /** Original column ids, ascending. */
  columns: number[];
  /** columns.length x classes, row-major. */
  weights: Float64Array;
  classes: number;
  iterations: number;
  loss: number;
}

interface CompactRow {
  index: Int32Array;
  value: Float64Array;
}

export function trainSoftmax(rows: SparseVector[], labels: number[], classes: number, options: SoftmaxTrainingOptions): TrainedWeights {
  const columnOf = new Map<number, number>();
  for (const row of rows) for (const c of row.index) if (!columnOf.has(c)) columnOf.set(c, 0);
  const columns = [...columnOf.keys()].sort((a, b) => a - b);
  columns.forEach((c, i) => columnOf.set(c, i));
  const compact: CompactRow[] = rows.map((row) => ({
    index: Int32Array.from(row.index, (c) => columnOf.get(c) as number),
    value: Float64Array.from(row.value),
  }));
  const K = classes;
  const dims = columns.length * K;
  const penalty = new Float64Array(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i];
    penalty[i] = c === 0 ? 0 : c < options.denseCount ? options.l2Dense : options.l2;
  }
  const classWeights = options.classWeights ?? new Array<number>(K).fill(1);
  const rowWeight = (r: number) => classWeights[labels[r]] * (options.sampleWeights?.[r] ?? 1);
  let weightSum = 0;
  for (let r = 0; r < labels.length; r++) weightSum += rowWeight(r);
  const rowWeights = labels.map((_, r) => rowWeight(r) / weightSum);

  const scores = new Float64Array(K);
  const objective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let r = 0; r < compact.length; r++) {
      const row = compact[r];
      scores.fill(0);
      for (let j = 0; j < row.index.length; j++) {
        const base = row.index[j] * K;
        const v = row.value[j];
        for (let k = 0; k < K; k++) scores[k] += w[base + k] * v;
      }
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (scores[k] > max) max = scores[k];
      let z = 0;
      for (let k = 0; k < K; k++) {
        scores[k] = Math.exp(scores[k] - max);
        z += scores[k];
      }
      const y = labels[r];
      const cw = rowWeights[r];
      loss -= cw * Math.log(scores[y] / z);
      for (let k = 0; k < K; k++) {
        const g = cw * (scores[k] / z - (k === y ? 1 : 0));
        if (g === 0) continue;
        for (let j = 0; j < row.index.length; j++) grad[row.index[j] * K + k] += g * row.value[j];
      }
    }
    const perRow = 1 / compact.length;
    for (let i = 0; i < columns.length; i++) {
      const p = penalty[i] * perRow;
      if (p === 0) continue;
      for (let k = 0; k < K; k++) {
        const wi = w[i * K + k];
        loss += 0.5 * p * wi * wi;
        grad[i * K + k] += p * wi;
      }
    }
    return loss;
  };

  const result = minimizeLbfgs(objective, new Float64Array(dims), options.maxIterations);
  return { columns, weights: result.x, classes: K, iterations: result.iterations, loss: result.value };
}

/** Limited-memory BFGS with a backtracking (Armijo) line search. */
function minimizeLbfgs(
  f: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array,
  maxIterations: number,
  memory = 8,
  tolerance = 1e-6,
): { x: Float64Array; value: number; iterations: number } {
  const n = x0.length;
  let x = x0;
  let g = new Float64Array(n);
  let value = f(x, g);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  const direction = new Float64Array(n);
  const alpha = new Array<number>(memory).fill(0);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    // Two-loop recursion: direction = -H g.
    for (let i = 0; i < n; i++) direction[i] = -g[i];
    for (let m = sList.length - 1; m >= 0; m--) {
      alpha[m] = rhoList[m] * dot(sList[m], direction);
      axpy(-alpha[m], yList[m], direction);
    }
    if (sList.length > 0) {
      const last = sList.length - 1;
      const gamma = dot(sList[last], yList[last]) / dot(yList[last], yList[last]);
      for (let i = 0; i < n; i++) direction[i] *= gamma;
    }
    for (let m = 0; m < sList.length; m++) {
      const beta = rhoList[m] * dot(yList[m], direction);
      axpy(alpha[m] - beta, sList[m], direction);
    }
    let slope = dot(g, direction);
    if (slope >= 0) {
      // Not a descent direction (curvature went bad): restart from steepest descent.
      for (let i = 0; i < n; i++) direction[i] = -g[i];
      slope = dot(g, direction);
      sList.length = 0;
      yList.length = 0;
      rhoList.length = 0;
    }
    let step = iterations === 0 && sList.length === 0 ? 1 / Math.max(1, Math.sqrt(-slope)) : 1;
    const xNew = new Float64Array(n);
    const gNew = new Float64Array(n);
    let valueNew = Infinity;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * direction[i];
      valueNew = f(xNew, gNew);
      if (valueNew <= value + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(valueNew < value)) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (sList.length === memory) {
        sList.shift();
        yList.shift();
        rhoList.shift();
      }
      sList.push(s);
      yList.push(y);
      rhoList.push(1 / sy);
    }
    const improvement = value - valueNew;
    x = xNew;
    g = gNew;
    value = valueNew;
    if (improvement < tolerance * Math.max(1, Math.abs(value))) break;
  }
  return { x, value, iterations };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

/**
 * Class weights (frequency)^-balance from the rows' labels and row weights, normalised so that a
 * balanced set gets 1 each; a class without rows gets 0 (no row carries it).
 */
export function balancedClassWeights(labels: number[], rowWeights: number[], classes: number, balance: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  let total = 0;
  labels.forEach((y, i) => {
    counts[y] += rowWeights[i];
    total += rowWeights[i];
  });
  return counts.map((c) => (c > 0 ? Math.pow(total / (classes * c), balance) : 0));
}

/** Trained weights in the form the model JSON files store. */
export interface PackedWeights {
  /** denseCount x classes weights, row-major (column, class). */
  dense: number[];
  /** Hash buckets (column - denseCount) kept, ascending. */
  buckets: number[];
  /** buckets.length x classes weights, row-major. */
  weights: number[];
}

/**
 * Packs trained weights for storage: every dense column in full, and the hashed columns with at
 * least one class weight of magnitude >= `prune` (the rest cost file size for no score); weights
 * rounded to 4 decimals.
 */
export function packWeights(trained: TrainedWeights, denseCount: number, prune: number): PackedWeights {
  const K = trained.classes;
  const dense = new Array<number>(denseCount * K).fill(0);
  const buckets: number[] = [];
  const weights: number[] = [];
  trained.columns.forEach((column, i) => {
    const w = Array.from(trained.weights.subarray(i * K, i * K + K), roundWeight);
    if (column < denseCount) {
      for (let k = 0; k < K; k++) dense[column * K + k] = w[k];
    } else if (w.some((x) => Math.abs(x) >= prune)) {
      buckets.push(column - denseCount);
      weights.push(...w);
    }
  });
  return { dense, buckets, weights };
}

function roundWeight(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
