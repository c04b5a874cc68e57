// Formula parsing in the fixest style: "y ~ x1 + x2 | fe1 + fe2^fe3 | endog ~ instr".
import { InputError } from './errors.ts';

export interface ParsedFormula {
  /** dependent variable */
  depvar: string;
  /** exogenous regressors, in formula order (a literal `1` is accepted and ignored: the constant is implicit) */
  exog: string[];
  /** fixed effects; each is a list of variables whose interaction defines the groups (`a^b` → ['a','b']) */
  fixedEffects: string[][];
  /** endogenous regressors (IV part), empty for OLS */
  endog: string[];
  /** excluded instruments (IV part), empty for OLS */
  instruments: string[];
}

const IDENT = /^[\p{L}_.][\p{L}\p{N}_.]*$/u;

function fail(formula: string, why: string): never {
  throw new InputError(`formula does not parse (${why}): ${formula}`);
}

function terms(part: string, formula: string, where: string, allowOne: boolean): string[] {
  const trimmed = part.trim();
  if (trimmed === '') fail(formula, `empty ${where}`);
  const out: string[] = [];
  for (const raw of trimmed.split('+')) {
    const t = raw.trim();
    if (t === '') fail(formula, `empty term in ${where}`);
    if (t === '1' && allowOne) continue;
    if (!IDENT.test(t)) fail(formula, `'${t}' is not a variable name in ${where}`);
    if (out.includes(t)) fail(formula, `'${t}' appears twice in ${where}`);
    out.push(t);
  }
  return out;
}

/** Parse a model formula; every problem is an InputError naming it. */
export function parseFormula(formula: string): ParsedFormula {
  const parts = formula.split('|');
  const main = parts[0];
  const tildes = main.split('~');
  if (tildes.length !== 2) fail(formula, "the first part must be 'y ~ x1 + x2'");
  const lhs = tildes[0].trim();
  if (!IDENT.test(lhs)) fail(formula, `'${lhs}' is not a dependent variable name`);
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

  const all = [lhs, ...exog, ...endog, ...instruments];
  const seen = new Set<string>();
  for (const v of all) {
    if (seen.has(v)) fail(formula, `'${v}' is used in two roles`);
    seen.add(v);
  }
  return { depvar: lhs, exog, fixedEffects, endog, instruments };
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

