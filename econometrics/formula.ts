// Formula parsing in the fixest style: "y ~ x1 + x2 | fe1 + fe2^fe3 | endog ~ instr".
//
// Terms of the regressor, endogenous and instrument parts (and `log(y)` on the left):
//   x              a variable
//   log(x)         its natural logarithm (column `log(x)`)
//   x1:x2          the product of variables or logs (column `x1:x2`)
//   x1*x2          x1 + x2 + x1:x2 (R/fixest; a*b*c gives every main effect and interaction, in R's order;
//                  a term repeated by the expansion is kept once)
//   i(f)           dummies for the levels of f but the first (the reference), columns `f::level`
//   i(f, x)        x × 1{f = level} for every level of f (heterogeneous slopes), columns `f::level:x`
//   i(f, ref=v)    the same with the levels v (`ref=c(v1, v2)`) left out as references; with i(f, x, ref=v)
//                  the slopes of those levels are left out
// The terms stay as text in ParsedFormula (`i(year)`, `x1:x2`); they become columns of the frame in
// econometrics/terms.ts (expandFormula), so the estimators only ever see plain numeric columns.
import { InputError } from './errors.ts';

export interface ParsedFormula {
  /** dependent variable (a variable or log(variable)) */
  depvar: string;
  /** exogenous regressors as terms, in formula order (a literal `1` is accepted and ignored: the constant is implicit) */
  exog: string[];
  /** fixed effects; each is a list of variables whose interaction defines the groups (`a^b` → ['a','b']) */
  fixedEffects: string[][];
  /** endogenous regressors (IV part) as terms, empty for OLS */
  endog: string[];
  /** excluded instruments (IV part) as terms, empty for OLS */
  instruments: string[];
}

/** One factor of a product term: a variable or its logarithm. */
export type Atom = { kind: 'var'; name: string } | { kind: 'log'; name: string };

/** A parsed term: a product of atoms (one atom: a plain variable or log) or an i() factor expansion. */
export type Term =
  | { kind: 'product'; atoms: Atom[] }
  | { kind: 'factor'; factor: string; slope: string | null; ref: string[] | null };

const IDENT = /^[\p{L}_.][\p{L}\p{N}_.]*$/u;

function fail(formula: string, why: string): never {
  throw new InputError(`formula does not parse (${why}): ${formula}`);
}

/** Split at `sep` outside parentheses and quotes. */
function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && ch === sep) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

function atomText(a: Atom): string {
  return a.kind === 'log' ? `log(${a.name})` : a.name;
}

function refText(v: string): string {
  return /^-?\d+(\.\d+)?$/.test(v) ? v : JSON.stringify(v);
}

/** The canonical text of a term, which is also the name of its column (or, for i(), of the expansion). */
export function termText(t: Term): string {
  if (t.kind === 'product') return t.atoms.map(atomText).join(':');
  const ref = t.ref ? `, ref=${t.ref.length === 1 ? refText(t.ref[0]) : `c(${t.ref.map(refText).join(', ')})`}` : '';
  return `i(${t.factor}${t.slope ? `, ${t.slope}` : ''}${ref})`;
}

function parseAtom(raw: string, where: (why: string) => never): Atom {
  const t = raw.trim();
  if (IDENT.test(t)) return { kind: 'var', name: t };
  const m = /^log\s*\(\s*(.*?)\s*\)$/.exec(t);
  if (m) {
    if (!IDENT.test(m[1])) where(`log() takes one variable name, got '${t}'`);
    return { kind: 'log', name: m[1] };
  }
  if (/^i\s*\(/.test(t)) where(`'${t}': i() cannot be part of a product; use i(factor, variable) for slopes by level`);
  return where(`'${t}' is not a variable name`);
}

function parseRefValues(raw: string, where: (why: string) => never): string[] {
  const t = raw.trim();
  const c = /^c\s*\((.*)\)$/.exec(t);
  const items = c ? splitTop(c[1], ',') : [t];
  return items.map((item) => {
    const v = item.trim();
    if (v === '') where('empty value in ref=');
    const q = /^(["'])(.*)\1$/.exec(v);
    if (q) return q[2];
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return String(Number(v));
    if (IDENT.test(v)) return v;
    return where(`'${v}' is not a level for ref=`);
  });
}

function parseFactorTerm(t: string, where: (why: string) => never): Term {
  const m = /^i\s*\((.*)\)$/s.exec(t);
  if (!m) return where(`'${t}' is not a term`);
  const args = splitTop(m[1], ',').map((a) => a.trim());
  if (args.length === 0 || args[0] === '') where(`i() needs a factor variable: '${t}'`);
  const factor = args[0];
  if (!IDENT.test(factor)) where(`i(): '${factor}' is not a variable name`);
  let slope: string | null = null;
  let ref: string[] | null = null;
  args.slice(1).forEach((arg, k) => {
    const kw = /^([A-Za-z_]\w*)\s*=\s*(.*)$/s.exec(arg);
    if (kw) {
      if (kw[1] !== 'ref') where(`i(): unknown argument '${kw[1]}' (only ref= is supported)`);
      if (ref) where('i(): ref= given twice');
      ref = parseRefValues(kw[2], where);
    } else {
      if (k !== 0 || ref) where(`i(): the variable must be the second argument: '${t}'`);
      if (!IDENT.test(arg)) where(`i(): '${arg}' is not a variable name`);
      if (arg === factor) where(`i(): '${factor}' interacted with itself`);
      slope = arg;
    }
  });
  return { kind: 'factor', factor, slope, ref };
}

/** Parse one term (no `+`, no `*`). Every problem is an InputError. */
export function parseTerm(text: string, formula = text): Term {
  const where = (why: string): never => fail(formula, why);
  const t = text.trim();
  if (/^i\s*\(/.test(t) && splitTop(t, ':').length === 1) return parseFactorTerm(t, where);
  const atoms = splitTop(t, ':').map((a) => parseAtom(a, where));
  const names = atoms.map(atomText);
  if (new Set(names).size !== names.length) where(`'${t}' interacts a variable with itself`);
  return { kind: 'product', atoms };
}

/** `a*b*c` → the terms of every non-empty subset, main effects first (R's order). */
function expandStar(parts: Term[], where: (why: string) => never): Term[] {
  for (const p of parts) if (p.kind === 'factor') where(`i() cannot be used with '*'; use i(factor, variable)`);
  const products = parts as Extract<Term, { kind: 'product' }>[];
  const out: Term[] = [];
  for (let size = 1; size <= products.length; size++) {
    const choose = (start: number, picked: number[]) => {
      if (picked.length === size) {
        const atoms = picked.flatMap((j) => products[j].atoms);
        const names = atoms.map(atomText);
        if (new Set(names).size !== names.length) where(`'*' interacts a variable with itself`);
        out.push({ kind: 'product', atoms });
        return;
      }
      for (let j = start; j < products.length; j++) choose(j + 1, [...picked, j]);
    };
    choose(0, []);
  }
  return out;
}

function terms(part: string, formula: string, where: string, allowOne: boolean): string[] {
  const trimmed = part.trim();
  if (trimmed === '') fail(formula, `empty ${where}`);
  const out: string[] = [];
  const generated = new Set<string>();
  for (const raw of splitTop(trimmed, '+')) {
    const t = raw.trim();
    if (t === '') fail(formula, `empty term in ${where}`);
    if (t === '1' && allowOne) continue;
    const starParts = splitTop(t, '*');
    const fromStar = starParts.length > 1;
    const expanded = fromStar
      ? expandStar(starParts.map((p) => {
          if (p.trim() === '') fail(formula, `empty factor of '*' in ${where}`);
          return parseTerm(p, formula);
        }), (why) => fail(formula, why))
      : [parseTerm(t, formula)];
    for (const term of expanded) {
      const text = termText(term);
      if (out.includes(text)) {
        // a*b + a: R keeps `a` once; writing the same term twice by hand is a mistake
        if (fromStar || generated.has(text)) continue;
        fail(formula, `'${text}' appears twice in ${where}`);
      }
      out.push(text);
      if (fromStar) generated.add(text);
    }
  }
  return out;
}

/** Parse a model formula; every problem is an InputError naming it. */
export function parseFormula(formula: string): ParsedFormula {
  const parts = formula.split('|');
  const main = parts[0];
  const tildes = main.split('~');
  if (tildes.length !== 2) fail(formula, "the first part must be 'y ~ x1 + x2'");
  const lhsText = tildes[0].trim();
  let lhs: string;
  try {
    const t = parseTerm(lhsText, formula);
    if (t.kind !== 'product' || t.atoms.length !== 1) throw new InputError('');
    lhs = termText(t);
  } catch {
    fail(formula, `'${lhsText}' is not a dependent variable (a variable or log(variable))`);
  }
  const exog = tildes[1].trim() === '' ? fail(formula, 'no regressors (write 1 for a constant only)') : terms(tildes[1], formula, 'the regressors', true);

  let fixedEffects: string[][] = [];
  let endog: string[] = [];
  let instruments: string[] = [];
  let sawFe = false;
  for (let p = 1; p < parts.length; p++) {
    const part = parts[p];
    if (part.includes('~')) {
      if (p !== parts.length - 1) fail(formula, 'the IV part "endog ~ instruments" must come last');
      const [e, z, extra] = part.split('~');
      if (extra !== undefined) fail(formula, 'more than one ~ in the IV part');
      endog = terms(e, formula, 'the endogenous variables', false);
      instruments = terms(z, formula, 'the instruments', false);
    } else {
      if (sawFe) fail(formula, 'more than one fixed-effects part');
      sawFe = true;
      if (part.trim() === '') fail(formula, 'empty fixed-effects part');
    }
  }
  // fixed-effect terms: a, or a^b for the interaction ("0" means none, as in fixest)
  const feParts = parts.slice(1).filter((p) => !p.includes('~') && p.trim() !== '0');
  if (feParts.length === 1) {
    fixedEffects = feParts[0].split('+').map((raw) => {
      if (raw.trim() === '') fail(formula, 'empty term in the fixed effects');
      const pieces = raw.split('^').map((s) => s.trim());
      for (const s of pieces) if (!IDENT.test(s)) fail(formula, `'${raw.trim()}' is not a fixed effect (use a or a^b)`);
      if (new Set(pieces).size !== pieces.length) fail(formula, `'${raw.trim()}' interacts a variable with itself`);
      return pieces;
    });
    const keys = fixedEffects.map((f) => f.join('^'));
    if (new Set(keys).size !== keys.length) fail(formula, 'a fixed effect appears twice');
  }

  const all = [lhs!, ...exog, ...endog, ...instruments];
  const seen = new Set<string>();
  for (const v of all) {
    if (seen.has(v)) fail(formula, `'${v}' is used in two roles`);
    seen.add(v);
  }
  return { depvar: lhs!, exog, fixedEffects, endog, instruments };
}

/** Name of a fixed effect as printed (`province^year`). */
export function feName(fe: string[]): string {
  return fe.join('^');
}

/** A formula given as structure, checked as parseFormula checks a string (fixed effects as `a` or `a^b`). */
export function modelFormula(parts: { depvar: string; exog: string[]; fixedEffects?: string[]; endog?: string[]; instruments?: string[] }): ParsedFormula {
  return parseFormula(formatFormula({
    depvar: parts.depvar, exog: parts.exog, fixedEffects: (parts.fixedEffects ?? []).map((f) => f.split('^')),
    endog: parts.endog ?? [], instruments: parts.instruments ?? [],
  }));
}

/** The formula as text: "y ~ x1 + x2 | fe1 + fe2^fe3 | endog ~ instr". */
export function formatFormula(f: ParsedFormula): string {
  const fe = f.fixedEffects.length ? ` | ${f.fixedEffects.map(feName).join(' + ')}` : '';
  const iv = f.endog.length ? ` | ${f.endog.join(' + ')} ~ ${f.instruments.join(' + ')}` : '';
  return `${f.depvar} ~ ${f.exog.length ? f.exog.join(' + ') : '1'}${fe}${iv}`;
}

/** A formula given as text or structure, as structure. */
export function asFormula(formula: string | ParsedFormula): ParsedFormula {
  return typeof formula === 'string' ? parseFormula(formula) : formula;
}

/**
 * The data columns a formula reads: numeric variables (the dependent variable, the variables of products and
 * logs, the slopes of i()) and factors (the variables of i() and of the fixed effects). What the loader must
 * read before expandFormula builds the model's columns.
 */
export function formulaColumns(f: ParsedFormula): { numeric: string[]; factors: string[] } {
  const numeric: string[] = [];
  const factors: string[] = [];
  for (const text of [f.depvar, ...f.exog, ...f.endog, ...f.instruments]) {
    const t = parseTerm(text);
    if (t.kind === 'product') for (const a of t.atoms) numeric.push(a.name);
    else {
      factors.push(t.factor);
      if (t.slope) numeric.push(t.slope);
    }
  }
  factors.push(...f.fixedEffects.flat());
  return { numeric: [...new Set(numeric)], factors: [...new Set(factors)] };
}
