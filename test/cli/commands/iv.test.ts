import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.ts';
import { dataFiles, reference, relErr } from '../../econometrics/reference-helpers.ts';

let csv = '';

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'iv-cli-'));
  const rows = ['unit,year,y,w,x,z1,z2'];
  for (let u = 1; u <= 10; u++)
    for (let t = 0; t < 6; t++) {
      const z1 = Math.sin(u * 5 + t * 3), z2 = Math.cos(u * 2 + t), w = Math.sin(u + 2 * t);
      const v = 0.3 * Math.cos(u * t + 1);
      const x = 0.8 * z1 + 0.4 * z2 + v;
      const y = 1 + 2 * x + 0.5 * w + v + 0.1 * Math.sin(u * t);
      rows.push([u, t, y, w, x, z1, z2].map((n) => (typeof n === 'number' && !Number.isInteger(n) ? n.toFixed(8) : n)).join(','));
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
