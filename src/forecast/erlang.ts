/**
 * Erlang C (M/M/n: Poisson arrivals, exponential handle times, nobody gives up) and Erlang A
 * (M/M/n+M: customers give up after an exponential patience), the queueing models contact centres
 * staff by. Pure functions; times in seconds, rates per second.
 *
 * Written here rather than taken from npm: the registry has no maintained Erlang C/A package for
 * Node (only Python ones), and the formulas are a few lines each.
 */

export interface ErlangInput {
  /** Arrivals per second. */
  arrivalRate: number;
  /** Mean handle time per contact, seconds. */
  handleSeconds: number;
  /** The service-level threshold: answered within this many seconds. */
  targetSeconds: number;
}

/** Offered traffic in erlangs: arrivals × handle time. */
export const offeredLoad = (arrivalRate: number, handleSeconds: number): number => arrivalRate * handleSeconds;

/**
 * Erlang B blocking probability with `n` servers and `a` erlangs, by the stable recursion
 * B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)) (no factorials, so no overflow at hundreds of agents).
 */
export function erlangB(n: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= n; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C: the probability that a contact waits at all; 1 when `n` agents cannot keep up (n ≤ a). */
export function erlangC(n: number, a: number): number {
  if (a <= 0) return 0;
  if (n <= a) return 1;
  const b = erlangB(n, a);
  return (n * b) / (n - a * (1 - b));
}

/** Erlang C service level: the share of contacts answered within `targetSeconds`. */
export function serviceLevelC(n: number, input: ErlangInput): number {
  const a = offeredLoad(input.arrivalRate, input.handleSeconds);
  if (a <= 0) return 1;
  if (n <= a) return 0;
  return 1 - erlangC(n, a) * Math.exp((-(n - a) * input.targetSeconds) / input.handleSeconds);
}

/** Erlang C mean wait (ASA) in seconds; Infinity when n ≤ a. */
export function averageWaitC(n: number, input: ErlangInput): number {
  const a = offeredLoad(input.arrivalRate, input.handleSeconds);
  if (a <= 0) return 0;
  if (n <= a) return Infinity;
  return (erlangC(n, a) * input.handleSeconds) / (n - a);
}

/** The fewest agents whose Erlang C service level reaches `targetShare` (0 when nothing arrives). */
export function agentsNeededC(input: ErlangInput, targetShare: number): number {
  const a = offeredLoad(input.arrivalRate, input.handleSeconds);
  if (a <= 0) return 0;
  let n = Math.max(1, Math.floor(a) + 1);
  while (serviceLevelC(n, input) < targetShare) n++;
  return n;
}

/** Share of the agents' time spent handling contacts: a / n (null for no agents). */
export function occupancy(n: number, a: number): number | null {
  if (n <= 0) return null;
  return Math.min(1, a / n);
}

/**
 * Erlang A (Palm's M/M/n+M): with mean patience `patienceSeconds`, the share of arrivals answered
 * within `targetSeconds` (those who give up count as not answered in time).
 *
 * Computed from the birth–death chain rather than Palm's closed form with incomplete gamma
 * functions: the stationary distribution over states k (contacts in the system, rates λ up and
 * min(k, n)·μ + max(k − n, 0)·θ down) is a product of ratios, truncated where it falls below 1e-12;
 * by PASTA an arrival sees it. An arrival that finds i people waiting ahead is answered after the
 * queue moves i + 1 times, at rate n·μ + i·θ while i are ahead, unless its own exp(θ) patience
 * runs out first: the chain "people ahead" with an extra killing rate θ, started from what
 * arrivals see, absorbed at service, and solved by uniformization for the mass absorbed by t.
 */
export function serviceLevelA(n: number, input: ErlangInput & { patienceSeconds: number }): number {
  const lambda = input.arrivalRate;
  const mu = 1 / input.handleSeconds;
  const theta = 1 / input.patienceSeconds;
  if (lambda <= 0) return 1;
  if (n <= 0) return 0;
  const p: number[] = [1];
  let total = 1;
  for (let k = 1; k < 1_000_000; k++) {
    const down = Math.min(k, n) * mu + Math.max(k - n, 0) * theta;
    const next = (p[k - 1] * lambda) / down;
    p.push(next);
    total += next;
    if (k > n && next / total < 1e-12) break;
  }
  let served = 0;
  for (let k = 0; k < Math.min(n, p.length); k++) served += p[k] / total;
  const ahead = p.slice(n).map((w) => w / total);
  if (ahead.length > 0) served += answeredWithin(ahead, n * mu, theta, input.targetSeconds);
  return Math.min(1, served);
}

/**
 * Mass absorbed by time t in the chain i → i − 1 at rate nμ + iθ (from 0: answered), killed at
 * rate θ in every state, started from `start[i]`; uniformization over the jumps of a Poisson clock.
 */
function answeredWithin(start: number[], nMu: number, theta: number, t: number): number {
  const states = start.length;
  const q = nMu + states * theta;
  let dist = Float64Array.from(start);
  const qt = q * t;
  // the Poisson pmf in logs: e^(−qt) underflows once qt passes ≈ 745 (a 2-hour target with 30 agents)
  let logPoisson = -qt;
  const logQt = Math.log(qt);
  let atMost = 0;
  let done = 0;
  // Poisson(qt) mass beyond 10 standard deviations is negligible
  const maxJumps = Math.ceil(qt + 10 * Math.sqrt(qt) + 20);
  for (let m = 0; m < maxJumps; m++) {
    atMost += Math.exp(logPoisson);
    const next = new Float64Array(states);
    let absorbed = 0;
    for (let i = 0; i < states; i++) {
      const mass = dist[i];
      if (mass === 0) continue;
      const forward = (nMu + i * theta) / q;
      next[i] += mass * (1 - forward - theta / q);
      if (i > 0) next[i - 1] += mass * forward;
      else absorbed += mass * forward;
    }
    // absorbed at jump m + 1: in time if at least m + 1 jumps happen by t
    done += absorbed * Math.max(0, 1 - atMost);
    dist = next;
    logPoisson += logQt - Math.log(m + 1);
  }
  return done;
}

/**
 * The fewest agents whose Erlang A service level reaches `targetShare`, searched down (or up) from
 * the Erlang C answer, where the chain is short.
 */
export function agentsNeededA(input: ErlangInput & { patienceSeconds: number }, targetShare: number): number {
  if (input.arrivalRate <= 0) return 0;
  let n = agentsNeededC(input, targetShare);
  if (serviceLevelA(n, input) >= targetShare) {
    while (n > 1 && serviceLevelA(n - 1, input) >= targetShare) n--;
    return n;
  }
  while (serviceLevelA(n, input) < targetShare && n < 10_000) n++;
  return n;
}
