// The coefficient table of the threshold model (econometrics/threshold/table.ts) on a small balanced panel
// (8 units x 4 periods, one regime-independent regressor x, one regime-dependent rx, one threshold at a value
// of q that occurs in the data, so the tie conventions matter). The expected numbers are literal: computed
// independently (numpy/scipy, from the formulas in the header of table.ts: hansen's transformed rows, xtreg's
// grand means and constant, conventional σ² = e'e/(N − n − k), White HC0, clustered with G/(G−1)·(N−1)/(N−K)
// and t(G−1), Wald F of the slopes).
import { describe, expect, it } from 'vitest';
import { type ThresholdMethod, makePanel } from '../../../econometrics/threshold/panel.ts';
import { type ThresholdTable, regimeColumns, thresholdTable } from '../../../econometrics/threshold/table.ts';

const Y = [
  0.7, 4.425, 4.475, 2.7, 4.05, 4.15, 1.825, 1.425, 3.775, 5.75, 5.3, 4.4, 4.375, 4.475, 2.65, 5.25,
  3.1, 3.375, 7.625, 3.725, 3.2, 1.6, 2.35, 4.075, 2.425, 4.45, 6.45, 3.05, 1.025, 2.925, 0.675, 1.9,
];
const X = [
  0, 1.75, 0.75, 2.5, 1.5, 0.5, 2.25, 1.25, 0.25, 2, 1, 0, 1.75, 0.75, 2.5, 1.5,
  0.5, 2.25, 1.25, 0.25, 2, 1, 0, 1.75, 0.75, 2.5, 1.5, 0.5, 2.25, 1.25, 0.25, 2,
];
const RX = [
  1, 2.25, 1.75, 1.25, 2.5, 2, 1.5, 1, 2.25, 1.75, 1.25, 2.5, 2, 1.5, 1, 2.25,
  1.75, 1.25, 2.5, 2, 1.5, 1, 2.25, 1.75, 1.25, 2.5, 2, 1.5, 1, 2.25, 1.75, 1.25,
];
const Q = [
  0, 0.375, 0.75, 0.125, 0.5, 0.875, 0.25, 0.625, 0, 0.375, 0.75, 0.125, 0.5, 0.875, 0.25, 0.625,
  0, 0.375, 0.75, 0.125, 0.5, 0.875, 0.25, 0.625, 0, 0.375, 0.75, 0.125, 0.5, 0.875, 0.25, 0.625,
];
/** dummy of the second period (an absorbed time effect's column) */
const D = Array.from({ length: 32 }, (_, i) => (i % 4 === 1 ? 1 : 0));
/** a cluster variable constant within unit: codes 0, 2, 3, 5, 6 (1 and 4 unused) */
const REGION = Int32Array.from({ length: 32 }, (_, i) => [0, 2, 3, 5, 6, 0, 2, 3][Math.floor(i / 4)]);
/** the period as a cluster variable */
const YEAR = Int32Array.from({ length: 32 }, (_, i) => i % 4);
const GAMMA = 0.375;

function panel(method: ThresholdMethod, withDummy = false) {
  return makePanel({
    method,
    units: 8,
    periods: 4,
    y: Float64Array.from(Y),
    x: withDummy ? [Float64Array.from(X), Float64Array.from(D)] : [Float64Array.from(X)],
    xNames: withDummy ? ['x', 'd'] : ['x'],
    rx: [Float64Array.from(RX)],
    rxNames: ['rx'],
    q: Float64Array.from(Q),
  });
}

type Row = [estimate: number, se: number, t: number, p: number];
interface Expected {
  coefficients: Record<string, Row>;
  se_type: string;
  df_resid: number;
  sigma_e: number;
  r2_within: number;
  F: number;
  F_df: [number, number];
  /** fitted[0], fitted[1], fitted[last], resid[0], number of rows */
  fitted: [number, number, number, number, number];
}

function close(actual: number, expected: number, rel = 1e-9) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-300);
}

function check(t: ThresholdTable, e: Expected) {
  expect(Object.keys(t.coefficients)).toEqual(Object.keys(e.coefficients));
  for (const [name, [b, se, tt, p]] of Object.entries(e.coefficients)) {
    const c = t.coefficients[name];
    close(c.estimate, b);
    close(c.se, se);
    close(c.t, tt);
    close(c.p, p, 1e-7);
  }
  expect(t.se_type).toBe(e.se_type);
  expect(t.regression.df_resid).toBe(e.df_resid);
  close(t.regression.sigma_e, e.sigma_e);
  close(t.regression.r2_within, e.r2_within);
  close(t.regression.F, e.F, 1e-8);
  expect(t.regression.F_df).toEqual(e.F_df);
  const [f0, f1, fLast, r0, n] = e.fitted;
  expect(t.fitted).toHaveLength(n);
  expect(t.resid).toHaveLength(n);
  close(t.fitted[0], f0);
  close(t.fitted[1], f1);
  close(t.fitted[n - 1], fLast);
  close(t.resid[0], r0);
}

const XTHREG_BETA = { x: 0.4622682361961165, r1: 1.120948701076444, r2: 2.1034341376208205, cons: 0.12868557042695206 };
const XTHREG_FIT = { df_resid: 21, sigma_e: 0.6144128438680259, r2_within: 0.8455902393604559 };
const XTHREG_FITTED: Expected['fitted'] = [-1.6382063180888085, 0.5719489715999506, 0.03254009334197594, -0.7367936819111915, 32];
const HANSEN_BETA = { x: -0.11934167701729223, r1: 0.6109716624816031, r2: 1.6898800631293212 };
const HANSEN_FIT = { df_resid: 13, sigma_e: 0.8840003005815557, r2_within: 0.7718837391185884 };
const HANSEN_FITTED: Expected['fitted'] = [-1.2734028645220046, 1.7090076802571037, -0.9574965225553477, -1.1015971354779954, 24];

describe('regimeColumns', () => {
  it('splits each regime-dependent variable by regime, q = γ in the lower regime (xthreg) or the upper one (hansen)', () => {
    const p = makePanel({
      method: 'xthreg', units: 2, periods: 3,
      y: new Float64Array(6), x: [], xNames: [],
      rx: [Float64Array.from([1, 2, 3, 4, 5, 6]), Float64Array.from([10, 20, 30, 40, 50, 60])], rxNames: ['a', 'b'],
      q: Float64Array.from([0.1, 0.5, 0.9, 0.5, 0.2, 1.5]),
    });
    const xt = regimeColumns(p, [0.5, 1]);
    expect(xt.names).toEqual(['a#r1', 'a#r2', 'a#r3', 'b#r1', 'b#r2', 'b#r3']);
    expect(xt.columns.map((c) => Array.from(c))).toEqual([
      [1, 2, 0, 4, 5, 0],
      [0, 0, 3, 0, 0, 0],
      [0, 0, 0, 0, 0, 6],
      [10, 20, 0, 40, 50, 0],
      [0, 0, 30, 0, 0, 0],
      [0, 0, 0, 0, 0, 60],
    ]);
    const hansen = regimeColumns({ ...p, method: 'hansen' }, [0.5, 1]);
    expect(hansen.names).toEqual(xt.names);
    expect(hansen.columns.slice(0, 3).map((c) => Array.from(c))).toEqual([
      [1, 0, 0, 0, 5, 0],
      [0, 2, 3, 4, 0, 0],
      [0, 0, 0, 0, 0, 6],
    ]);
    expect(regimeColumns(p, []).names).toEqual(['a#r1', 'b#r1']);
    expect(Array.from(regimeColumns(p, []).columns[1])).toEqual([10, 20, 30, 40, 50, 60]);
  });
});

describe('thresholdTable', () => {
  it('xthreg, conventional: within fit with the grand means and a constant, df N - n - k', () => {
    check(thresholdTable(panel('xthreg'), [GAMMA], 'conventional'), {
      coefficients: {
        x: [XTHREG_BETA.x, 0.14411967324150043, 3.207530421065391, 0.004228957701925733],
        'rx#r1': [XTHREG_BETA.r1, 0.24512892869438452, 4.5728943827515005, 0.00016523091729391242],
        'rx#r2': [XTHREG_BETA.r2, 0.2332746267126604, 9.016986404662681, 1.1485022015607855e-8],
        _cons: [XTHREG_BETA.cons, 0.47536389074969215, 0.27070960359231994, 0.7892572932551504],
      },
      se_type: "conventional (xtreg, fe: e'e/(N-n-k))",
      ...XTHREG_FIT,
      F: 38.33392170939799,
      F_df: [3, 21],
      fitted: XTHREG_FITTED,
    });
  });

  it("hansen, conventional: demeaned rows without each unit's last period, no constant", () => {
    check(thresholdTable(panel('hansen'), [GAMMA], 'conventional'), {
      coefficients: {
        x: [HANSEN_BETA.x, 0.27137541127927645, -0.43976599226403734, 0.6673289125696219],
        'rx#r1': [HANSEN_BETA.r1, 0.4606407786962832, 1.3263516621580702, 0.20755392631576314],
        'rx#r2': [HANSEN_BETA.r2, 0.3660631908352324, 4.616361615800775, 0.00048311869801504306],
      },
      se_type: "conventional (Hansen: e'e/(n(T-1)-n-k))",
      ...HANSEN_FIT,
      F: 14.662828170409957,
      F_df: [3, 13],
      fitted: HANSEN_FITTED,
    });
  });

  it('hansen, robust: White HC0 on the transformed rows, t(df_resid) p-values', () => {
    check(thresholdTable(panel('hansen'), [GAMMA], 'robust'), {
      coefficients: {
        x: [HANSEN_BETA.x, 0.2261122727230828, -0.5277983170928925, 0.6065311767865629],
        'rx#r1': [HANSEN_BETA.r1, 0.34619625210401483, 1.7648130468438357, 0.10106025035226254],
        'rx#r2': [HANSEN_BETA.r2, 0.3116352838751512, 5.422621091282876, 0.0001165431283763822],
      },
      se_type: 'robust (White HC0)',
      ...HANSEN_FIT,
      F: 21.926370126711234,
      F_df: [3, 13],
      fitted: HANSEN_FITTED,
    });
  });

  it('xthreg, robust: clustered on the unit as xtreg, fe vce(robust), with K counting the constant', () => {
    check(thresholdTable(panel('xthreg'), [GAMMA], 'robust'), {
      coefficients: {
        x: [XTHREG_BETA.x, 0.1519827172661131, 3.0415842308353462, 0.01880487752023583],
        'rx#r1': [XTHREG_BETA.r1, 0.29123979765911273, 3.848885729513108, 0.006301533292479043],
        'rx#r2': [XTHREG_BETA.r2, 0.27376927558088837, 7.683236671309144, 0.00011786488980620594],
        _cons: [XTHREG_BETA.cons, 0.5647643840141424, 0.22785709239010654, 0.8262698739506135],
      },
      se_type: 'cluster-robust (unit, 8 clusters)',
      ...XTHREG_FIT,
      F: 35.23586439066028,
      F_df: [3, 7],
      fitted: XTHREG_FITTED,
    });
  });

  it('hansen, clustered on the unit: the transformed rows mapped back to their raw rows, K without a constant', () => {
    check(thresholdTable(panel('hansen'), [GAMMA], 'cluster'), {
      coefficients: {
        x: [HANSEN_BETA.x, 0.20811952439776396, -0.5734285495925073, 0.58429826766205],
        'rx#r1': [HANSEN_BETA.r1, 0.3960040997946933, 1.542841760472578, 0.16677636317043112],
        'rx#r2': [HANSEN_BETA.r2, 0.35365637224656854, 4.778310800380941, 0.002016217039475554],
      },
      se_type: 'cluster-robust (unit, 8 clusters)',
      ...HANSEN_FIT,
      F: 27.133578791163302,
      F_df: [3, 7],
      fitted: HANSEN_FITTED,
    });
  });

  it('hansen, clustered on a variable with unused codes: only the groups present count', () => {
    check(thresholdTable(panel('hansen'), [GAMMA], 'cluster', { codes: REGION, name: 'region' }), {
      coefficients: {
        x: [HANSEN_BETA.x, 0.19120204043378103, -0.6241652900070583, 0.566352060254483],
        'rx#r1': [HANSEN_BETA.r1, 0.4673659960895873, 1.3072659705531693, 0.26120294726779947],
        'rx#r2': [HANSEN_BETA.r2, 0.44051893589536145, 3.836112197298884, 0.018520992664035237],
      },
      se_type: 'cluster-robust (region, 5 clusters)',
      ...HANSEN_FIT,
      F: 33.14790958998265,
      F_df: [3, 4],
      fitted: HANSEN_FITTED,
    });
  });

  it('xthreg, clustered on a variable (also with robust: the cluster variable wins over the unit)', () => {
    const expected: Expected = {
      coefficients: {
        x: [XTHREG_BETA.x, 0.1330090531662021, 3.4754644529232688, 0.025456734580213077],
        'rx#r1': [XTHREG_BETA.r1, 0.3828475095763194, 2.9279247560391575, 0.04290256574660053],
        'rx#r2': [XTHREG_BETA.r2, 0.3369559175605548, 6.242460891765789, 0.0033562594014668315],
        _cons: [XTHREG_BETA.cons, 0.706148510996011, 0.1822358447594022, 0.8642605759183466],
      },
      se_type: 'cluster-robust (region, 5 clusters)',
      ...XTHREG_FIT,
      F: 72.91965803327388,
      F_df: [3, 4],
      fitted: XTHREG_FITTED,
    };
    check(thresholdTable(panel('xthreg'), [GAMMA], 'cluster', { codes: REGION, name: 'region' }), expected);
    check(thresholdTable(panel('xthreg'), [GAMMA], 'robust', { codes: REGION, name: 'region' }), expected);
  });

  it('xthreg, clustered on the period (clusters that cut across units)', () => {
    check(thresholdTable(panel('xthreg'), [GAMMA], 'cluster', { codes: YEAR, name: 'year' }), {
      coefficients: {
        x: [XTHREG_BETA.x, 0.08925748461606246, 5.17904171492783, 0.013973363855325594],
        'rx#r1': [XTHREG_BETA.r1, 0.07534077059920126, 14.87838114955952, 0.000658848650004811],
        'rx#r2': [XTHREG_BETA.r2, 0.09626450095600175, 21.850569178997844, 0.0002098058149951174],
        _cons: [XTHREG_BETA.cons, 0.23220967887168625, 0.5541783230235667, 0.618088835429025],
      },
      se_type: 'cluster-robust (year, 4 clusters)',
      ...XTHREG_FIT,
      F: 502.3252212479433,
      F_df: [3, 3],
      fitted: XTHREG_FITTED,
    });
  });

  it("leaves the absorbed effect's dummy columns out of the table and of the Wald F, but in the fit", () => {
    check(thresholdTable(panel('xthreg', true), [GAMMA], 'conventional', undefined, 1), {
      coefficients: {
        x: [0.42668274564831754, 0.14614856876936816, 2.9195136787254508, 0.008476310749454543],
        'rx#r1': [1.0768386131118408, 0.24601712194248243, 4.377088084802489, 0.0002913901055911193],
        'rx#r2': [2.0708483155798154, 0.23301377662959832, 8.887235534024507, 2.212243571280655e-8],
        _cons: [0.1651807343715459, 0.4724350952799661, 0.3496368835038799, 0.7302659640674436],
      },
      se_type: "conventional (xtreg, fe: e'e/(N-n-k))",
      df_resid: 20,
      sigma_e: 0.6092814730622627,
      r2_within: 0.8553891682851339,
      F: 37.87153000016697,
      F_df: [3, 20],
      fitted: [-1.648474265373897, 0.7423482803338768, -0.04677167797012505, -0.7265257346261029, 32],
    });
    check(thresholdTable(panel('hansen', true), [GAMMA], 'robust', undefined, 1), {
      coefficients: {
        x: [-0.12890328406270996, 0.22662431262109767, -0.5687972423251364, 0.5799835413686419],
        'rx#r1': [0.49681790085075805, 0.29811801093816376, 1.6665142078712212, 0.12147796015460478],
        'rx#r2': [1.7559121411704084, 0.26613496076554854, 6.597825915540944, 2.545790666386172e-5],
      },
      se_type: 'robust (White HC0)',
      df_resid: 12,
      sigma_e: 0.8374328131001414,
      r2_within: 0.8110315675992689,
      F: 25.82955746397396,
      F_df: [3, 12],
      fitted: [-1.2167548586225387, 1.368967427661277, -1.0095846682783458, -1.1582451413774613, 24],
    });
  });

  it('shows the dummy when it is not declared a nuisance column', () => {
    const t = thresholdTable(panel('xthreg', true), [GAMMA], 'conventional');
    expect(Object.keys(t.coefficients)).toEqual(['x', 'd', 'rx#r1', 'rx#r2', '_cons']);
    expect(t.regression.F_df).toEqual([4, 20]);
    close(t.coefficients.x.estimate, 0.42668274564831754);
  });

  it('refuses thresholds that leave a regime empty (collinear regressors)', () => {
    expect(() => thresholdTable(panel('xthreg'), [0.875], 'conventional')).toThrow(
      'threshold model: regressors are collinear at the estimated thresholds',
    );
    expect(() => thresholdTable(panel('hansen'), [0], 'robust')).toThrow('threshold model: regressors are collinear at the estimated thresholds');
  });
});
