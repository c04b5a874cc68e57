// Formula terms as columns of the frame: log(x), x1:x2 and i() expansions become numeric columns named as
// fixest names its coefficients (`log(x)`, `x1:x2`, `year::2012`, `region::east:AI`), so the estimators
// only read plain numeric columns and report those names.
import { InputError } from './errors.ts';
import { parseTerm, termText, type Atom, type ParsedFormula, type Term } from './formula.ts';
import { numericColumn, type LoadedFrame } from './frame.ts';

/**
 * The levels of an i() factor, in order, and each row's level (−1: missing). A text factor whose levels are
 * all numbers, or a numeric column, is ordered by value (so that −1 comes before 0 in an event study);
 * other text factors by their text. Level names are the text (numbers as JavaScript prints them: 2012, -1).
 */
export function factorLevels(frame: LoadedFrame, name: string): { levels: string[]; codes: Int32Array } {
  const f = frame.factors[name];
  if (f) {
    const numeric = f.levels.length > 0 && f.levels.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
    const order = f.levels.map((_, i) => i);
    if (numeric) order.sort((a, b) => Number(f.levels[a]) - Number(f.levels[b]));
    const rank = new Int32Array(f.levels.length);
    order.forEach((level, r) => (rank[level] = r));
    const codes = Int32Array.from(f.codes, (c) => (c < 0 ? -1 : rank[c]));
    return { levels: order.map((i) => (numeric ? String(Number(f.levels[i])) : f.levels[i])), codes };
  }
  const x = frame.numeric[name];
  if (!x) throw new InputError(`unknown variable '${name}'`);
  const values = [...new Set(Array.from(x).filter((v) => !Number.isNaN(v)))].sort((a, b) => a - b);
  const index = new Map(values.map((v, i) => [v, i]));
  return { levels: values.map(String), codes: Int32Array.from(x, (v) => (Number.isNaN(v) ? -1 : index.get(v)!)) };
}

function atomColumn(frame: LoadedFrame, atom: Atom): Float64Array {
  const x = numericColumn(frame, atom.name);
  if (atom.kind === 'var') return x;
  let bad = 0;
  for (let i = 0; i < x.length; i++) if (x[i] <= 0) bad++;
  if (bad > 0)
    throw new InputError(`log(${atom.name}): '${atom.name}' is zero or negative in ${bad} row${bad === 1 ? '' : 's'} (the logarithm is undefined there); recode or drop those rows`);
  return Float64Array.from(x, Math.log);
}

/** The columns of one term: name → values (one column for a product, one per kept level for i()). */
export function termColumns(frame: LoadedFrame, term: Term): Array<[string, Float64Array]> {
  const n = frame.nrows;
  if (term.kind === 'product') {
    const cols = term.atoms.map((a) => atomColumn(frame, a));
    if (cols.length === 1) return [[termText(term), cols[0]]];
    const out = Float64Array.from(cols[0]);
    for (let j = 1; j < cols.length; j++) for (let i = 0; i < n; i++) out[i] *= cols[j][i];
    return [[termText(term), out]];
  }
  const { levels, codes } = factorLevels(frame, term.factor);
  if (levels.length === 0) throw new InputError(`${termText(term)}: '${term.factor}' has no non-missing value`);
  let dropped: Set<number>;
  if (term.ref) {
    dropped = new Set(term.ref.map((r) => {
      const k = levels.indexOf(r);
      if (k < 0) throw new InputError(`${termText(term)}: '${r}' is not a level of '${term.factor}' (levels: ${levels.slice(0, 20).join(', ')})`);
      return k;
    }));
  } else {
    // i(f): the first level is the reference (the others are contrasts with it); i(f, x): a slope for every level
    dropped = new Set(term.slope ? [] : [0]);
  }
  const slope = term.slope ? numericColumn(frame, term.slope) : null;
  const out: Array<[string, Float64Array]> = [];
  levels.forEach((level, k) => {
    if (dropped.has(k)) return;
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      if (c < 0) col[i] = NaN;
      else if (slope) col[i] = c === k ? slope[i] : Number.isNaN(slope[i]) ? NaN : 0;
      else col[i] = c === k ? 1 : 0;
    }
    out.push([term.slope ? `${term.factor}::${level}:${term.slope}` : `${term.factor}::${level}`, col]);
  });
  if (out.length === 0) throw new InputError(`${termText(term)}: every level is a reference, no column left`);
  return out;
}

/**
 * The formula with every term replaced by its columns, and a frame (sharing the original's columns) that
 * holds them. Plain variables pass through untouched; a formula without special terms returns the same frame.
 */
export function expandFormula(frame: LoadedFrame, f: ParsedFormula): { frame: LoadedFrame; formula: ParsedFormula } {
  const isPlain = (t: string) => {
    const p = parseTerm(t);
    return p.kind === 'product' && p.atoms.length === 1 && p.atoms[0].kind === 'var';
  };
  const all = [f.depvar, ...f.exog, ...f.endog, ...f.instruments];
  if (all.every(isPlain)) return { frame, formula: f };
  const out: LoadedFrame = { nrows: frame.nrows, numeric: { ...frame.numeric }, factors: frame.factors };
  const expand = (texts: string[]): string[] =>
    texts.flatMap((text) => {
      if (isPlain(text)) return [text];
      return termColumns(frame, parseTerm(text)).map(([name, values]) => {
        out.numeric[name] = values;
        return name;
      });
    });
  const formula: ParsedFormula = {
    depvar: expand([f.depvar])[0],
    exog: expand(f.exog),
    fixedEffects: f.fixedEffects,
    endog: expand(f.endog),
    instruments: expand(f.instruments),
  };
  const names = [formula.depvar, ...formula.exog, ...formula.endog, ...formula.instruments];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new InputError(`the column '${name}' comes out of two terms of the formula`);
    seen.add(name);
  }
  return { frame: out, formula };
}
