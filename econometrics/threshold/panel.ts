// Balanced-panel container for the threshold model and the two fixed-effect transformations.
//
// Rows are stored unit-major, time-minor (row = unit * T + t), so a unit's block is contiguous.
// The transformation W maps a raw column (n*T) to the rows that enter least squares:
//   hansen: demean within unit, then drop each unit's last period  -> n*(T-1) rows (Hansen's GAUSS code)
//   xthreg: full within transformation                               -> n*T rows     (xtreg, fe)
// W' (wTranspose) maps back; the incremental search needs W'W applied to base columns because
// (W d)'(W v) = d' (W'W v) turns every cross-product with a regime column into a sum over active rows.

export type ThresholdMethod = 'hansen' | 'xthreg';

export interface ThresholdPanel {
  method: ThresholdMethod;
  units: number;
  periods: number;
  /** n*T raw rows */
  rows: number;
  /** rows of the transformed regression: n*(T-1) (hansen) or n*T (xthreg) */
  transformedRows: number;
  y: Float64Array;
  x: Float64Array[];
  xNames: string[];
  rx: Float64Array[];
  rxNames: string[];
  q: Float64Array;
  /** raw row indices sorted by q ascending (ties by row index) */
  sortedRows: Int32Array;
  sortedQ: Float64Array;
  /** sorted distinct values of q */
  distinctQ: Float64Array;
  /** unit code of each raw row (for clustering on the unit) */
  unitCodes: Int32Array;
  /** optional cluster codes per raw row */
  cluster?: Int32Array;
}

/** Plain data needed to build the panel (also inside a bootstrap worker). */
export interface PanelInput {
  method: ThresholdMethod;
  units: number;
  periods: number;
  y: Float64Array;
  x: Float64Array[];
  xNames: string[];
  rx: Float64Array[];
  rxNames: string[];
  q: Float64Array;
}

export function makePanel(args: PanelInput & { cluster?: Int32Array }): ThresholdPanel {
  const rows = args.units * args.periods;
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  const q = args.q;
  order.sort((a, b) => q[a] - q[b] || a - b);
  const sortedQ = new Float64Array(rows);
  for (let i = 0; i < rows; i++) sortedQ[i] = q[order[i]];
  const distinct: number[] = [];
  for (let i = 0; i < rows; i++) if (i === 0 || sortedQ[i] !== sortedQ[i - 1]) distinct.push(sortedQ[i]);
  const unitCodes = new Int32Array(rows);
  for (let i = 0; i < rows; i++) unitCodes[i] = Math.floor(i / args.periods);
  return {
    ...args,
    rows,
    transformedRows: args.method === 'hansen' ? args.units * (args.periods - 1) : rows,
    sortedRows: order,
    sortedQ,
    distinctQ: Float64Array.from(distinct),
    unitCodes,
  };
}

/** W v: within-demean by unit (and for hansen drop the last period). */
export function transform(panel: ThresholdPanel, raw: Float64Array): Float64Array {
  const { units: n, periods: T } = panel;
  const out = new Float64Array(panel.transformedRows);
  const keep = panel.method === 'hansen' ? T - 1 : T;
  for (let u = 0; u < n; u++) {
    const base = u * T;
    let sum = 0;
    for (let t = 0; t < T; t++) sum += raw[base + t];
    const mean = sum / T;
    const ob = u * keep;
    for (let t = 0; t < keep; t++) out[ob + t] = raw[base + t] - mean;
  }
  return out;
}

/** W' w: pad dropped rows with zero, then demean by unit. Result has n*T raw rows. */
export function wTranspose(panel: ThresholdPanel, transformed: Float64Array, out: Float64Array = new Float64Array(panel.rows)): Float64Array {
  const { units: n, periods: T } = panel;
  const keep = panel.method === 'hansen' ? T - 1 : T;
  for (let u = 0; u < n; u++) {
    const ib = u * keep;
    let sum = 0;
    for (let t = 0; t < keep; t++) sum += transformed[ib + t];
    const mean = sum / T;
    const ob = u * T;
    for (let t = 0; t < keep; t++) out[ob + t] = transformed[ib + t] - mean;
    for (let t = keep; t < T; t++) out[ob + t] = -mean;
  }
  return out;
}

/** Regime column RX * I(q < gamma) (strict, hansen) or RX * I(q <= gamma) (xthreg), raw rows. */
export function belowIndicator(panel: ThresholdPanel, rx: Float64Array, gamma: number): Float64Array {
  const out = new Float64Array(panel.rows);
  const strict = panel.method === 'hansen';
  for (let i = 0; i < panel.rows; i++) {
    const below = strict ? panel.q[i] < gamma : panel.q[i] <= gamma;
    out[i] = below ? rx[i] : 0;
  }
  return out;
}

/** Regime j (0-based) of a row given sorted thresholds, with the method's tie convention. */
export function regimeOf(panel: ThresholdPanel, value: number, sortedThresholds: number[]): number {
  const strict = panel.method === 'hansen';
  let r = 0;
  for (const g of sortedThresholds) {
    const above = strict ? value >= g : value > g;
    if (above) r++;
  }
  return r;
}
