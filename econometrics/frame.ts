// In-memory frames and the estimation sample: listwise deletion, fixed-effect codes (with interactions),
// iterated singleton dropping (as reghdfe), cluster codes.
import { InputError } from './errors.ts';

/** Columns of one data set, as the estimators read them. */
export interface LoadedFrame {
  nrows: number;
  /** numeric columns as float64; SQL NULL becomes NaN */
  numeric: Record<string, Float64Array>;
  /** factor columns (fixed effects, cluster ids): dense codes 0..levels-1, -1 for NULL */
  factors: Record<string, { codes: Int32Array; levels: string[] }>;
}


export interface ColumnsInput {
  numeric?: Record<string, ArrayLike<number | null>>;
  factors?: Record<string, ArrayLike<string | number | null | undefined>>;
}

/**
 * Build a LoadedFrame from in-memory columns (the same shape `loadFrame` returns). Numeric values may be
 * null/NaN for missing; factor values are stringified and coded in sorted order of their string form
 * (as loadFrame does), null/undefined meaning missing.
 */
export function frameFromColumns(input: ColumnsInput): LoadedFrame {
  let nrows = -1;
  const check = (name: string, len: number) => {
    if (nrows === -1) nrows = len;
    else if (len !== nrows) throw new InputError(`column '${name}' has ${len} rows, expected ${nrows}`);
  };
  const frame: LoadedFrame = { nrows: 0, numeric: {}, factors: {} };
  for (const [name, values] of Object.entries(input.numeric ?? {})) {
    check(name, values.length);
    const arr = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      arr[i] = v === null || v === undefined ? NaN : Number(v);
    }
    frame.numeric[name] = arr;
  }
  for (const [name, values] of Object.entries(input.factors ?? {})) {
    check(name, values.length);
    frame.factors[name] = factorize(values);
  }
  frame.nrows = Math.max(nrows, 0);
  return frame;
}

/** Dense codes for arbitrary values: levels sorted by string form, -1 for null/undefined/NaN. */
export function factorize(values: ArrayLike<string | number | null | undefined>): { codes: Int32Array; levels: string[] } {
  const n = values.length;
  const keys: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    keys[i] = v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : String(v);
  }
  const levels = [...new Set(keys.filter((k): k is string => k !== null))].sort();
  const index = new Map(levels.map((l, i) => [l, i]));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = keys[i] === null ? -1 : index.get(keys[i]!)!;
  return { codes, levels };
}

/** Numeric column of a frame, or an InputError naming the problem. */
export function numericColumn(frame: LoadedFrame, name: string): Float64Array {
  const col = frame.numeric[name];
  if (col) return col;
  if (frame.factors[name]) throw new InputError(`variable '${name}' is not numeric`);
  throw new InputError(`unknown variable '${name}'`);
}

/**
 * An infinite value (inf, -inf: from a CSV, or log(0) upstream) is a data error, not a missing value:
 * dropping the row silently would change the sample without a word. Throws an InputError naming the
 * variable and how many rows hold ±inf; NaN (missing) is left to listwise deletion.
 */
export function rejectInfinite(name: string, column: Float64Array): void {
  let count = 0;
  for (let i = 0; i < column.length; i++) if (column[i] === Infinity || column[i] === -Infinity) count++;
  if (count > 0)
    throw new InputError(
      `variable '${name}' is infinite (inf or -inf) in ${count} row${count === 1 ? '' : 's'}: infinity is not a missing value; recode those rows to missing or drop them`,
    );
}

/** Codes of a grouping variable: a factor column, or a numeric column factorized by value. */
export function groupCodes(frame: LoadedFrame, name: string): { codes: Int32Array; levels: number } {
  const f = frame.factors[name];
  if (f) return { codes: f.codes, levels: f.levels.length };
  const num = frame.numeric[name];
  if (!num) throw new InputError(`unknown variable '${name}'`);
  const f2 = factorizeNumeric(num);
  return f2;
}

function factorizeNumeric(values: Float64Array): { codes: Int32Array; levels: number } {
  const n = values.length;
  const sorted = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
  const uniq: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) uniq.push(sorted[i]);
  const index = new Map(uniq.map((v, i) => [v, i]));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = Number.isNaN(values[i]) ? -1 : index.get(values[i])!;
  return { codes, levels: uniq.length };
}

/** Interact several code vectors into one dense code vector (-1 where any part is missing). */
export function interactCodes(parts: { codes: Int32Array; levels: number }[]): { codes: Int32Array; levels: number } {
  if (parts.length === 1) return parts[0];
  let acc = parts[0];
  for (let p = 1; p < parts.length; p++) {
    const b = parts[p];
    const n = acc.codes.length;
    const out = new Int32Array(n);
    const space = acc.levels * b.levels;
    let next = 0;
    if (space <= 1 << 24) {
      const map = new Int32Array(space).fill(-1);
      for (let i = 0; i < n; i++) {
        const x = acc.codes[i];
        const y = b.codes[i];
        if (x < 0 || y < 0) { out[i] = -1; continue; }
        const key = x * b.levels + y;
        if (map[key] < 0) map[key] = next++;
        out[i] = map[key];
      }
    } else {
      const map = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const x = acc.codes[i];
        const y = b.codes[i];
        if (x < 0 || y < 0) { out[i] = -1; continue; }
        const key = x * b.levels + y;
        let c = map.get(key);
        if (c === undefined) { c = next++; map.set(key, c); }
        out[i] = c;
      }
    }
    acc = { codes: out, levels: next };
  }
  return acc;
}

/** A grouping on the estimation sample: dense codes 0..levels-1. */
export interface Grouping {
  name: string;
  codes: Int32Array;
  levels: number;
}

export interface Sample {
  nobs: number;
  /** row indices of the estimation sample in the frame */
  rows: Int32Array;
  /** zero_weight only with weights: rows of weight 0, which carry no information (fixest drops them too) */
  dropped: { missing: number; singletons: number; zero_weight?: number };
  /** analytic weights on the sample (absent when unweighted) */
  weights?: Float64Array;
  /** numeric variables restricted to the sample */
  columns: Record<string, Float64Array>;
  fixedEffects: Grouping[];
  /** one grouping per cluster variable (empty when not clustered; several for multi-way clustering) */
  clusters: Grouping[];
}

/** Re-code a grouping restricted to `rows` so that codes are dense again. */
function restrict(name: string, codes: Int32Array, rows: Int32Array, levels: number): Grouping {
  if (rows.length === codes.length) {
    // full sample: the codes are already dense if every level occurs
    const seen = new Uint8Array(levels);
    let distinct = 0;
    for (let i = 0; i < codes.length; i++) if (!seen[codes[i]]) { seen[codes[i]] = 1; distinct++; }
    if (distinct === levels) return { name, codes, levels };
  }
  const out = new Int32Array(rows.length);
  const map = new Map<number, number>();
  let dense: Int32Array | null = null;
  let maxCode = 0;
  for (let i = 0; i < rows.length; i++) if (codes[rows[i]] > maxCode) maxCode = codes[rows[i]];
  if (maxCode < 1 << 26) dense = new Int32Array(maxCode + 1).fill(-1);
  let next = 0;
  for (let i = 0; i < rows.length; i++) {
    const c = codes[rows[i]];
    if (dense) {
      if (dense[c] < 0) dense[c] = next++;
      out[i] = dense[c];
    } else {
      let d = map.get(c);
      if (d === undefined) { d = next++; map.set(c, d); }
      out[i] = d;
    }
  }
  return { name, codes: out, levels: next };
}

/**
 * The estimation sample: rows with any missing numeric variable, fixed effect or cluster id (of any cluster
 * variable) are dropped
 * listwise (counted as `missing`); then observations alone in their group of some fixed effect are dropped
 * repeatedly until none is left (reghdfe's iterated singleton rule; counted as `singletons`). An infinite
 * value in a numeric variable is an InputError (rejectInfinite), not a missing value.
 * With `weights` (a numeric variable): a missing weight drops the row like any missing value, a negative
 * weight is an InputError, and rows of weight 0 are dropped before the singletons (counted as `zero_weight`).
 */
export function buildSample(
  frame: LoadedFrame,
  numericVars: string[],
  fixedEffects: string[][],
  clusterVars: string[],
  opts: { dropSingletons?: boolean; weights?: string } = {},
): Sample {
  const n = frame.nrows;
  const numeric = numericVars.map((v) => numericColumn(frame, v));
  numericVars.forEach((v, k) => rejectInfinite(v, numeric[k]));
  const weightColumn = opts.weights ? numericColumn(frame, opts.weights) : null;
  if (weightColumn) {
    rejectInfinite(opts.weights!, weightColumn);
    let negative = 0;
    for (let i = 0; i < n; i++) if (weightColumn[i] < 0) negative++;
    if (negative > 0)
      throw new InputError(`weights '${opts.weights}' are negative in ${negative} row${negative === 1 ? '' : 's'}: analytic weights must be ≥ 0`);
  }
  const feFull = fixedEffects.map((parts) => ({
    name: parts.join('^'),
    ...interactCodes(parts.map((p) => groupCodes(frame, p))),
  }));
  const clustersFull = clusterVars.map((v) => groupCodes(frame, v));

  const keep = new Uint8Array(n).fill(1);
  // column by column: one tight loop per variable
  for (const col of numeric) for (let i = 0; i < n; i++) if (Number.isNaN(col[i])) keep[i] = 0;
  for (const fe of feFull) for (let i = 0; i < n; i++) if (fe.codes[i] < 0) keep[i] = 0;
  for (const c of clustersFull) for (let i = 0; i < n; i++) if (c.codes[i] < 0) keep[i] = 0;
  if (weightColumn) for (let i = 0; i < n; i++) if (Number.isNaN(weightColumn[i])) keep[i] = 0;
  let missing = 0;
  for (let i = 0; i < n; i++) missing += 1 - keep[i];
  let zeroWeight = 0;
  if (weightColumn)
    for (let i = 0; i < n; i++)
      if (keep[i] && weightColumn[i] === 0) { keep[i] = 0; zeroWeight++; }

  let singletons = 0;
  if (opts.dropSingletons !== false && feFull.length > 0) {
    const counts = feFull.map((fe) => new Int32Array(fe.levels));
    let changed = true;
    while (changed) {
      changed = false;
      for (let f = 0; f < feFull.length; f++) {
        const codes = feFull[f].codes;
        const cnt = counts[f];
        cnt.fill(0);
        for (let i = 0; i < n; i++) if (keep[i]) cnt[codes[i]]++;
        let anySingleton = false;
        for (let g = 0; g < cnt.length; g++) if (cnt[g] === 1) { anySingleton = true; break; }
        if (!anySingleton) continue;
        for (let i = 0; i < n; i++)
          if (keep[i] && cnt[codes[i]] === 1) { keep[i] = 0; singletons++; changed = true; }
      }
    }
  }

  let nobs = 0;
  for (let i = 0; i < n; i++) nobs += keep[i];
  if (n === 0) throw new InputError('no observations: the selected data have 0 rows');
  if (nobs === 0)
    throw new InputError(
      `all ${n} rows dropped (${missing} with missing values, ${weightColumn ? `${zeroWeight} of weight 0, ` : ''}${singletons} singletons): no observations left`,
    );
  const rows = new Int32Array(nobs);
  for (let i = 0, j = 0; i < n; i++) if (keep[i]) rows[j++] = i;

  const columns: Record<string, Float64Array> = {};
  numericVars.forEach((v, k) => {
    const src = numeric[k];
    // nothing dropped: share the frame's column (estimators copy before transforming)
    if (nobs === n) { columns[v] = src; return; }
    const out = new Float64Array(nobs);
    for (let i = 0; i < nobs; i++) out[i] = src[rows[i]];
    columns[v] = out;
  });
  let weights: Float64Array | undefined;
  if (weightColumn) {
    weights = new Float64Array(nobs);
    for (let i = 0; i < nobs; i++) weights[i] = weightColumn[rows[i]];
  }
  return {
    nobs,
    rows,
    dropped: weightColumn ? { missing, singletons, zero_weight: zeroWeight } : { missing, singletons },
    ...(weights ? { weights } : {}),
    columns,
    fixedEffects: feFull.map((fe) => restrict(fe.name, fe.codes, rows, fe.levels)),
    clusters: clustersFull.map((c, d) => restrict(clusterVars[d], c.codes, rows, c.levels)),
  };
}

/** A new frame made of the given rows (repeats allowed), factor levels kept. */
export function takeRows(frame: LoadedFrame, rows: ArrayLike<number>): LoadedFrame {
  const n = rows.length;
  const out: LoadedFrame = { nrows: n, numeric: {}, factors: {} };
  for (const [name, col] of Object.entries(frame.numeric)) {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = col[rows[i]];
    out.numeric[name] = c;
  }
  for (const [name, f] of Object.entries(frame.factors)) {
    const c = new Int32Array(n);
    for (let i = 0; i < n; i++) c[i] = f.codes[rows[i]];
    out.factors[name] = { codes: c, levels: f.levels };
  }
  return out;
}
