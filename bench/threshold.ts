// `npm run bench:threshold`: timings of fitThreshold (data already loaded; search + bootstrap + table).
//   (a) hansen1999.csv, triple threshold, --grid all, 300 replications for each of the three tests
//   (b) synthetic balanced panel, 1,000 units × 20 periods, 5 regressors, single threshold,
//       300 quantile grid points, 300 replications
// Each case runs in this thread (threads = 1) and with 2 worker threads; the best of `--repeat` runs is shown.
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { type LoadedFrame, loadFrame } from '../econometrics/io/load.ts';
import { PROJECT_ROOT } from '../pipelines/core/paths.ts';
import { type ThresholdOptions, fitThreshold, thresholdColumns } from '../econometrics/models/threshold.ts';

const repeat = Number(process.argv.find((a) => a.startsWith('--repeat='))?.split('=')[1] ?? 3);

function syntheticFrame(units: number, periods: number, regressors: number): LoadedFrame {
  const rng = xoroshiro128plus(2024);
  const u = () => uniformFloat64(rng);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const n = units * periods;
  const numeric: Record<string, Float64Array> = {};
  for (let j = 1; j <= regressors; j++) numeric[`x${j}`] = Float64Array.from({ length: n }, normal);
  numeric.rx = Float64Array.from({ length: n }, () => 1 + normal());
  numeric.q = Float64Array.from({ length: n }, u);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = normal() + (Math.floor(i / periods) % 7) * 0.1;
    for (let j = 1; j <= regressors; j++) v += 0.2 * j * numeric[`x${j}`][i];
    v += (numeric.q[i] < 0.5 ? 1 : 1.3) * numeric.rx[i];
    y[i] = v;
  }
  numeric.y = y;
  const unitCodes = Int32Array.from({ length: n }, (_, i) => Math.floor(i / periods));
  const timeCodes = Int32Array.from({ length: n }, (_, i) => i % periods);
  return {
    nrows: n,
    numeric,
    factors: {
      id: { codes: unitCodes, levels: Array.from({ length: units }, (_, i) => String(i)) },
      year: { codes: timeCodes, levels: Array.from({ length: periods }, (_, t) => String(2000 + t)) },
    },
  };
}

async function time(label: string, frame: LoadedFrame, options: ThresholdOptions) {
  for (const threads of [1, 2]) {
    let best = Infinity;
    let summary = '';
    for (let r = 0; r < repeat; r++) {
      const t0 = performance.now();
      const result = await fitThreshold(frame, { ...options, threads });
      best = Math.min(best, performance.now() - t0);
      summary = result.steps
        .map((s) => `k=${s.k} γ=${s.thresholds.map((t) => t.toPrecision(4)).join('/')} F=${s.F.toFixed(2)} p=${s.p?.toFixed(3)}`)
        .join('; ');
    }
    console.log(`${label.padEnd(58)} threads=${threads}  ${(best / 1000).toFixed(3)} s   (${summary})`);
  }
}

console.log(`threshold benchmark ${new Date().toISOString()}  node ${process.version}  ${cpus()[0]?.model} × ${cpus().length}  ${(totalmem() / 2 ** 30).toFixed(1)} GiB`);

const hansenPath = join(PROJECT_ROOT, 'test', 'fixtures', 'data', 'hansen1999.csv');
if (existsSync(hansenPath)) {
  for (const method of ['hansen', 'xthreg'] as const) {
    const options: ThresholdOptions = {
      formula: 'i ~ q1 + q2 + q3 + d1 + qd1 | id',
      time: 'year',
      regime: 'c1',
      thresholdVar: 'd1',
      method,
      thresholds: 3,
      trim: [0.01, 0.01, 0.05],
      grid: 'all',
      bootstrap: 300,
      seed: 1,
    };
    const cols = thresholdColumns(options);
    const frame = await loadFrame({ data: hansenPath }, cols.numeric, cols.factors);
    await time(`(a) hansen1999 triple, grid all (6613), 3×300 reps, ${method}`, frame, options);
  }
} else {
  console.log(`(a) skipped: ${hansenPath} not found`);
}

const frame = syntheticFrame(1000, 20, 5);
for (const method of ['xthreg', 'hansen'] as const) {
  await time(`(b) 1000×20, 5 regressors, single, 300 grid, 300 reps, ${method}`, frame, {
    formula: 'y ~ x1 + x2 + x3 + x4 + x5 | id',
    time: 'year',
    regime: 'rx',
    thresholdVar: 'q',
    method,
    thresholds: 1,
    trim: [0.01],
    grid: 'quantile:300',
    bootstrap: 300,
    seed: 1,
  });
}
