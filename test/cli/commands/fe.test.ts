import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.ts';
import { DuckDBInstance } from '@duckdb/node-api';
import { dataFiles, reference, relErr } from '../../econometrics/reference-helpers.ts';

let csv = '';

beforeAll(() => {
  // a small panel: 6 units × 5 years, a text column and a missing value
  const dir = mkdtempSync(join(tmpdir(), 'fe-cli-'));
  const rows = ['unit,year,name,y,x,z,x2,w'];
  for (let u = 1; u <= 6; u++)
    for (let t = 2010; t < 2015; t++) {
      const x = Math.sin(u * 7 + t);
      const z = Math.cos(u * 3 + t * 2);
      const y = 1 + 0.5 * x + 0.1 * u + 0.05 * (t - 2010) + 0.2 * Math.cos(u * t);
      rows.push(`${u},${t},city${u},${u === 2 && t === 2011 ? '' : y.toFixed(6)},${x.toFixed(6)},${z.toFixed(6)},${(2 + x).toFixed(6)},${1 + (u % 3)}`);
    }
  csv = join(dir, 'panel.csv');
  writeFileSync(csv, rows.join('\n') + '\n');
});

/** y on x, z, six unit dummies and four year dummies, rows with a missing y dropped: [β_x, β_z] and the SSR. */
function lsdv(file: string): { beta: number[]; ssr: number } {
  const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const X: number[][] = [];
  const y: number[] = [];
  for (const [unit, year, , yv, x, z] of rows) {
    if (yv === '') continue;
    const units = [1, 2, 3, 4, 5, 6].map((u) => (Number(unit) === u ? 1 : 0));
    const years = [2011, 2012, 2013, 2014].map((t) => (Number(year) === t ? 1 : 0));
    X.push([Number(x), Number(z), ...units, ...years]);
    y.push(Number(yv));
  }
  const k = X[0].length;
  const A = Array.from({ length: k }, (_, a) => [
    ...Array.from({ length: k }, (_, b) => X.reduce((s, r) => s + r[a] * r[b], 0)),
    X.reduce((s, r, i) => s + r[a] * y[i], 0),
  ]);
  for (let c = 0; c < k; c++) {
    const p = A.slice(c).reduce((best, r, i) => (Math.abs(r[c]) > Math.abs(A[best][c]) ? c + i : best), c);
    [A[c], A[p]] = [A[p], A[c]];
    for (let r = 0; r < k; r++) if (r !== c) {
      const f = A[r][c] / A[c][c];
      for (let j = c; j <= k; j++) A[r][j] -= f * A[c][j];
    }
  }
  const b = A.map((r, i) => r[k] / r[i]);
  const ssr = y.reduce((s, v, i) => s + (v - X[i].reduce((t, xv, j) => t + xv * b[j], 0)) ** 2, 0);
  return { beta: [b[0], b[1]], ssr };
}

describe('cli fe', () => {
  it('prints one JSON object with the contract fields', () => {
    const r = cli('fe', '--data', csv, '--formula', 'y ~ x + z | unit + year', '--vcov', 'cluster:unit', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['nobs', 'dropped', 'vcov', 'coefficients', 'r2', 'r2_within', 'r2_adj', 'rmse', 'ssr', 'fixed_effects', 'omitted']);
    expect(out.nobs).toBe(29);
    expect(out.dropped).toEqual({ missing: 1, singletons: 0 });
    expect(out.vcov).toMatchObject({ type: 'cluster', cluster: 'unit', clusters: 6 });
    expect(Object.keys(out.coefficients)).toEqual(['x', 'z', '_cons']);
    expect(Object.keys(out.coefficients.x)).toEqual(['estimate', 'se', 't', 'p', 'ci_low', 'ci_high']);
    expect(out.fixed_effects).toEqual([{ name: 'unit', levels: 6 }, { name: 'year', levels: 5 }]);
    // The numbers, against least squares with unit and year dummies solved by hand (normal equations).
    const hand = lsdv(csv);
    expect(out.coefficients.x.estimate).toBeCloseTo(hand.beta[0], 9);
    expect(out.coefficients.z.estimate).toBeCloseTo(hand.beta[1], 9);
    expect(out.ssr).toBeCloseTo(hand.ssr, 10);
  });

  it('prints a readable table without --json and honours --where', () => {
    const r = cli('fe', '--data', csv, '--formula', 'y ~ x | unit', '--where', 'year >= 2011');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Observations: 23/);
    expect(r.stdout).toMatch(/^x\s+-?\d/m);
    expect(r.stdout).toMatch(/_cons/);
  });

  it.each([
    ['unknown variable', ['--formula', 'y ~ nosuch | unit'], /unknown variable 'nosuch'/],
    ['non-numeric column', ['--formula', 'y ~ name | unit'], /variable 'name' is not numeric/],
    ['formula that does not parse', ['--formula', 'y ~ x + | unit'], /formula does not parse/],
    ['single cluster', ['--formula', 'y ~ x', '--vcov', 'cluster:unit', '--where', 'unit = 3'], /only one cluster in 'unit'/],
    ['all rows dropped', ['--formula', 'y ~ x | unit', '--where', 'year = 2010'], /all 6 rows dropped .*6 singletons/],
    ['unknown vcov', ['--formula', 'y ~ x', '--vcov', 'hc3'], /unknown vcov/],
  ])('%s: one-line error, exit code 2', (_name, args, msg) => {
    const r = cli('fe', '--data', csv, ...args, '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(msg);
  });

  it('reads a warehouse table with --warehouse/--table and gives the same result as the file', async () => {
    const wh = join(mkdtempSync(join(tmpdir(), 'fe-wh-')), 'w.duckdb');
    const db = await DuckDBInstance.create(wh);
    const con = await db.connect();
    await con.run(`CREATE TABLE panel AS SELECT * FROM read_csv('${csv}', header = true)`);
    con.closeSync();
    db.closeSync();
    const fromFile = JSON.parse(cli('fe', '--data', csv, '--formula', 'y ~ x | unit', '--json').stdout);
    const r = cli('fe', '--warehouse', wh, '--table', 'panel', '--formula', 'y ~ x | unit', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).coefficients).toEqual(fromFile.coefficients);
    const bad = cli('fe', '--warehouse', wh, '--table', 'nope', '--formula', 'y ~ x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/table 'nope' not found/);
  });

  it('usage errors (missing --formula, unknown option) are one line with exit code 2', () => {
    for (const args of [['fe', '--data', csv], ['fe', '--data', csv, '--formula', 'y ~ x', '--bogus']]) {
      const r = cli(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('missing data file: exit code 2', () => {
    const r = cli('fe', '--data', join(tmpdir(), 'does-not-exist.csv'), '--formula', 'y ~ x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/data file not found/);
  });

  it('formula terms, weights and Driscoll-Kraay from the command line (the loader reads the base columns)', () => {
    const r = cli('fe', '--data', csv, '--formula', 'y ~ x*z + log(x2) + i(year) | unit', '--weights', 'w', '--vcov', 'dk:1', '--time', 'year', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out.coefficients)).toEqual(['x', 'z', 'x:z', 'log(x2)', 'year::2011', 'year::2012', 'year::2013', 'year::2014', '_cons']);
    expect(out.weights.variable).toBe('w');
    expect(out.dropped).toEqual({ missing: 1, singletons: 0, zero_weight: 0 });
    expect(out.vcov).toMatchObject({ type: 'dk', clusters: 5, driscoll_kraay: { time: 'year', lags: 1, periods: 5 } });
    const noTime = cli('fe', '--data', csv, '--formula', 'y ~ x', '--vcov', 'dk:1');
    expect(noTime.code).toBe(2);
    expect(noTime.stderr.trim()).toMatch(/needs the period variable: give --time VAR/);
  });

  it('--na sets the missing-value codes of CSV input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fe-na-'));
    const file = join(dir, 'na.csv');
    writeFileSync(file, 'u,y,x\n1,1,1\n1,2,2\n2,3,.\n2,5,4\n3,4,3\n3,6,5\n3,9,n/a\n');
    const r = cli('fe', '--data', file, '--formula', 'y ~ x | u', '--na', '.,n/a', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).dropped.missing).toBe(2);
    const text = cli('fe', '--data', file, '--formula', 'y ~ x | u');
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/variable 'x' is not numeric/);
  });

  it('reads an Arrow IPC file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fe-arrow-'));
    const arrow = join(dir, 'panel.arrow');
    const units = [1, 1, 1, 2, 2, 2, 3, 3, 3];
    const x = units.map((u, i) => Math.sin(i + u));
    const y = x.map((v, i) => 2 * v + units[i] + 0.1 * Math.cos(i));
    writeFileSync(arrow, tableToIPC(tableFromArrays({ unit: Int32Array.from(units), x: Float64Array.from(x), y: Float64Array.from(y) }), 'file'));
    const r = cli('fe', '--data', arrow, '--formula', 'y ~ x | unit', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).nobs).toBe(9);
  });

  it('end to end: the CLI reproduces the R reference (cluster id also a fixed effect, hansen1999)', () => {
    const c = reference.cases.find((x) => x.id === 'hansen_twoway_cluster')!;
    const r = cli('fe', '--data', dataFiles[c.data], '--formula', c.formula, '--vcov', c.vcov, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.vcov.dof_k).toBe(c.dof_k);
    for (const [name, ref] of Object.entries(c.coefficients)) {
      expect(relErr(out.coefficients[name].estimate, ref.estimate)).toBeLessThan(1e-8);
      expect(relErr(out.coefficients[name].se, ref.se)).toBeLessThan(1e-6);
    }
  });
});
