/**
 * `npm run eval:forecast`: the forecast on a seeded synthetic history with a known daily and weekly
 * shape (src/forecast/synthetic-history.ts): MASE against the weekly seasonal-naive forecast and
 * the coverage of the 80 % and 95 % intervals on a held-out week, then the rolling-origin backtest.
 */
import { EVAL_HISTORY, heldOutWeek, syntheticBacktest } from '../evaluation';

const f = (n: number | null, d = 3) => (n === null ? '—' : n.toFixed(d));
const week = heldOutWeek();
const bt = syntheticBacktest();
console.log(
  `Synthetic history: ${EVAL_HISTORY.weeks} weeks, ${EVAL_HISTORY.meanPerHour} messages/hour on average, seed ${EVAL_HISTORY.seed}, one holiday`,
);
console.log(`Held-out week (${week.hours} hours, fitted on the ${EVAL_HISTORY.weeks - 1} weeks before):`);
console.log(`  MAE ${f(week.mae)} vs weekly seasonal-naive ${f(week.maeSeasonalNaive)} → MASE ${f(week.mase)} (target < 1)`);
console.log(`  80 % interval coverage ${f(week.coverage80, 1)} % (target 70–90 %), 95 % coverage ${f(week.coverage95, 1)} %`);
console.log(`Rolling-origin backtest (${bt.origins} weekly origins, ${bt.hours} hours, method ${bt.method}):`);
console.log(
  `  MASE ${f(bt.mase)}, MAPE ${f(bt.mape, 1)} %, coverage 80 % ${f(bt.coverage80, 1)} %, 95 % ${f(bt.coverage95, 1)} %${bt.note ? ` (${bt.note})` : ''}`,
);
