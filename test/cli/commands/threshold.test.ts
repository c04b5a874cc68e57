// `cli threshold`: JSON contract, readable summary, and one-line input errors with exit code 2.
import { nodeArgs } from '../../helpers/command.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomPanelData } from '../../econometrics/threshold/random-panel.ts';
import { loadFrame } from '../../../econometrics/io/load.ts';
import { fitThreshold } from '../../../econometrics/models/threshold.ts';

const run = promisify(execFile);


async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...nodeArgs('cli/engine.ts'), 'threshold', ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

function writeCsv(path: string, rows: Array<Record<string, number | string>>) {
  const cols = Object.keys(rows[0]);
  writeFileSync(path, [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n') + '\n');
}

describe('cli threshold', () => {
  let dir: string;
  let panelCsv: string;
  const common = ['--formula', 'y ~ x1 + x2 | firm', '--time', 'year', '--regime', 'r1', '--threshold-var', 'q'];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'threshold-cli-'));
    const d = randomPanelData({ seed: 5, units: 30, periods: 5, regressors: 2, qLevels: 80 });
    const rows = Array.from({ length: d.y.length }, (_, i) => ({
      firm: `f${Math.floor(i / d.periods)}`,
      year: 2000 + (i % d.periods),
      y: d.y[i],
      x1: d.x[0][i],
      x2: d.x[1][i],
      r1: d.rx[0][i],
      q: d.q[i],
      one: 1,
    }));
    panelCsv = join(dir, 'panel.csv');
    writeCsv(panelCsv, rows);
    writeCsv(join(dir, 'unbalanced.csv'), rows.slice(1));
    // every firm misses a different period
    writeCsv(join(dir, 'single-period.csv'), rows.filter((_, i) => i % d.periods !== Math.floor(i / d.periods) % d.periods));
    writeCsv(
      join(dir, 'few.csv'),
      rows.map((r, i) => ({ ...r, q: i % 3 })),
    );
  });

  it('prints the JSON contract', async () => {
    const r = await cli(['--data', panelCsv, ...common, '--thresholds', '2', '--trim', '0.05', '--grid', 'quantile:40', '--bootstrap', '20', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const key of ['method', 'nobs', 'rows_used', 'grid_size', 'ssr0', 'steps', 'coefficients', 'lr_curve', 'se_type'])
      expect(out).toHaveProperty(key);
    expect(out.method).toBe('xthreg');
    expect(out.nobs).toBe(150);
    expect(out.steps).toHaveLength(2);
    const double = out.steps[1];
    expect(double.k).toBe(2);
    expect(double.thresholds).toEqual([...double.thresholds].sort((a: number, b: number) => a - b));
    expect(double.ci).toHaveLength(2);
    expect(Object.keys(double.crit)).toEqual(expect.arrayContaining(['10', '5', '1']));
    expect(double.p).toBeGreaterThanOrEqual(0);
    expect(Object.keys(out.coefficients)).toEqual(['x1', 'x2', 'r1#r1', 'r1#r2', 'r1#r3', '_cons']);
    expect(Object.keys(out.coefficients.x1)).toEqual(['estimate', 'se', 't', 'p']);
    expect(out.lr_curve).toHaveLength(2);
    expect(out.lr_curve[0].grid.length).toBe(out.lr_curve[0].lr.length);
    // The numbers are the library's for the same file and options (the library is checked against Hansen's
    // published values and xthreg in test/econometrics/models/): the command passes every option through.
    const frame = await loadFrame({ data: panelCsv }, ['y', 'x1', 'x2', 'r1', 'q'], ['firm', 'year']);
    const lib = JSON.parse(JSON.stringify(await fitThreshold(frame, {
      formula: 'y ~ x1 + x2 | firm', time: 'year', regime: 'r1', thresholdVar: 'q', thresholds: 2, trim: [0.05], grid: 'quantile:40', bootstrap: 20,
    })));
    expect(out.ssr0).toBe(lib.ssr0);
    expect(out.steps).toEqual(lib.steps);
    expect(out.coefficients).toEqual(lib.coefficients);
    expect(out.steps[0].p).toBeLessThan(0.1); // the planted thresholds are found at 150 rows
  });

  it('prints a readable table without --json', async () => {
    const r = await cli(['--data', panelCsv, ...common, '--method', 'hansen', '--trim', '0.05', '--grid', 'all', '--bootstrap', '10']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Panel threshold regression \(Hansen 1999\), hansen conventions\n/);
    expect(r.stdout).toMatch(/\nSingle +\d+\.\d{4} +\d+\.\d\d +\d\.\d{3} /);
    expect(r.stdout).toMatch(/P>F and critical values from 10 bootstrap replications/);
    expect(r.stdout).toMatch(/\nr1#r1 \(q < [\d.]+\) /);
    expect(r.stdout).toMatch(/\nr1#r2 \(q ≥ [\d.]+\) /);
  });

  it('absorbs the year effects with "| firm + year" and drops units missing a period', async () => {
    const args = [...common.slice(2), '--thresholds', '1', '--grid', 'quantile:40', '--trim', '0.05', '--bootstrap', '0', '--json'];
    const twoWay = await cli(['--data', join(dir, 'unbalanced.csv'), '--formula', 'y ~ x1 + x2 | firm + year', ...args]);
    expect(twoWay.stderr).toBe('');
    const out = JSON.parse(twoWay.stdout);
    expect(out.dropped_units).toBe(1);
    expect(out.units).toBe(29);
    expect(out.fixed_effects).toEqual([{ name: 'firm', levels: 29 }, { name: 'year', levels: 5 }]);
    expect(Object.keys(out.coefficients)).toEqual(['x1', 'x2', 'r1#r1', 'r1#r2', '_cons']);
  });

  it.each([
    ['single-period.csv', [], /unbalanced panel: no firm has complete data in all 5 periods/],
    ['few.csv', [], /too few distinct values of 'q'/],
    ['panel.csv', ['--regime', 'one'], /regime variable 'one' is constant/],
    ['panel.csv', ['--regime', 'nope'], /unknown variable 'nope'/],
  ])('%s %j: one-line error, exit code 2', async (file, extra, message) => {
    const args = ['--data', join(dir, file), ...common, '--bootstrap', '0', ...extra];
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
