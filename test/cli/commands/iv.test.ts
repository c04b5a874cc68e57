import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.ts';
import { dataFiles, reference, relErr } from '../../econometrics/reference-helpers.ts';

let csv = '';

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'iv-cli-'));
  const rows = ['unit,year,y,w,w2,x,z1,z2'];
  for (let u = 1; u <= 10; u++)
    for (let t = 0; t < 6; t++) {
      const z1 = Math.sin(u * 5 + t * 3), z2 = Math.cos(u * 2 + t), w = Math.sin(u + 2 * t);
      const v = 0.3 * Math.cos(u * t + 1);
      const x = 0.8 * z1 + 0.4 * z2 + v;
      const y = 1 + 2 * x + 0.5 * w + v + 0.1 * Math.sin(u * t);
      rows.push([u, t, y, w, 1 + ((u * t) % 3), x, z1, z2].map((n) => (typeof n === 'number' && !Number.isInteger(n) ? n.toFixed(8) : n)).join(','));
    }
  csv = join(dir, 'iv.csv');
  writeFileSync(csv, rows.join('\n') + '\n');
});

describe('cli iv', () => {
  it('prints the IV JSON contract with first stage and diagnostics', () => {
    const r = cli('iv', '--data', csv, '--formula', 'y ~ w | unit + year | x ~ z1 + z2', '--vcov', 'cluster:unit', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out.diagnostics)).toEqual(['kp_rk_lm', 'kp_rk_lm_p', 'kp_rk_wald_f', 'cragg_donald_f', 'stock_yogo_10pct']);
    expect(out.diagnostics.stock_yogo_10pct).toBe(19.93);
    expect(out.stock_yogo).toEqual({ iv_size: { '10': 19.93, '15': 11.59, '20': 8.75, '25': 7.25 }, relative_bias: null });
    expect(out.estimator).toEqual({ type: '2sls', k: 1, lambda: null, fuller_alpha: null });
    expect(Object.keys(out.anderson_rubin)).toEqual(['F', 'df1', 'df2', 'p', 'chi2', 'chi2_p', 'confidence_set']);
    expect(out.endogeneity.test).toBe('control_function');
    expect(Object.keys(out.first_stage)).toEqual(['x']);
    expect(Object.keys(out.first_stage.x.coefficients)).toEqual(['w', 'z1', 'z2']);
    // one endogenous regressor: the KP rk Wald F is the first-stage F of the excluded instruments
    expect(out.diagnostics.kp_rk_wald_f).toBeCloseTo(out.first_stage.x.F, 8);
    expect(Object.keys(out.coefficients)).toEqual(['x', 'w', '_cons']);
  });

  it('readable table and errors', () => {
    const t = cli('iv', '--data', csv, '--formula', 'y ~ w | unit | x ~ z1');
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/Kleibergen-Paap rk Wald F/);
    const e = cli('iv', '--data', csv, '--formula', 'y ~ w | unit', '--json');
    expect(e.code).toBe(2);
    expect(e.stderr.trim()).toMatch(/^error: formula has no IV part/);
  });

  it('--estimator liml / fuller:1, --weights, --vcov dk with --time', () => {
    const liml = cli('iv', '--data', csv, '--formula', 'y ~ w | unit + year | x ~ z1 + z2', '--estimator', 'liml', '--json');
    expect(liml.code, liml.stderr).toBe(0);
    const e = JSON.parse(liml.stdout).estimator;
    expect(e.type).toBe('liml');
    expect(e.k).toBe(e.lambda);
    const fuller = cli('iv', '--data', csv, '--formula', 'y ~ w | unit + year | x ~ z1 + z2', '--estimator', 'fuller:1', '--weights', 'w2', '--vcov', 'dk:1', '--time', 'year');
    expect(fuller.code, fuller.stderr).toBe(0);
    expect(fuller.stdout).toMatch(/^IV-Fuller: /);
    expect(fuller.stdout).toMatch(/Driscoll-Kraay \(period year, 6 periods, 1 lag, Bartlett\)/);
    expect(fuller.stdout).toMatch(/Analytic weights: w2/);
    expect(fuller.stdout).toMatch(/Anderson-Rubin 95% confidence set/);
    const bad = cli('iv', '--data', csv, '--formula', 'y ~ w | unit | x ~ z1', '--estimator', 'gmm');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^error: unknown estimator 'gmm'/);
  });

  it('end to end: the CLI reproduces the R reference IV with KP statistics (du2021)', () => {
    const c = reference.cases.find((x) => x.id === 'du_iv2_cluster')!;
    const r = cli('iv', '--data', dataFiles[c.data], '--formula', c.formula, '--vcov', c.vcov, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const [name, ref] of Object.entries(c.coefficients)) {
      expect(relErr(out.coefficients[name].estimate, ref.estimate)).toBeLessThan(1e-8);
      expect(relErr(out.coefficients[name].se, ref.se)).toBeLessThan(1e-6);
    }
    for (const key of ['kp_rk_lm', 'kp_rk_wald_f', 'cragg_donald_f']) expect(relErr(out.diagnostics[key], c.diagnostics![key])).toBeLessThan(1e-6);
  });
});
