/**
 * Cell-level parsing shared by the three layouts.
 *
 * Numbers: numeric cells are taken as they are. Text cells ("numbers stored as text") are accepted when, after
 * Unicode NFKC normalization (full-width digits "１２３" → "123", "．" → "."), trimming and removing every
 * space, they read as a decimal number, optionally signed, optionally with well-formed thousands separators
 * ("1,234.5"; "1,23" is rejected) or an exponent ("1.5e3").
 * Missing: an absent cell, an empty or whitespace-only text, or one of MISSING_MARKERS → value null, and the
 * marker as printed (trimmed; '' for empty) is recorded.
 * Formula cells: the cached value is used; a formula without cached value is an error. Error cells (#N/A),
 * booleans and dates are errors.
 */
import type { CellObject } from 'xlsx';

export const MISSING_MARKERS: ReadonlySet<string> = new Set([
  '', '-', '－', '--', '—', '——', '–', '―', '…', '……', '...', '⋯',
]);

export type NumericCell =
  | { kind: 'number'; value: number }
  | { kind: 'missing'; marker: string }
  | { kind: 'bad'; text: string; why: string };

/** Every kind of space (ASCII, NBSP, full-width U+3000, zero-width) removed. */
export function stripSpaces(s: string): string {
  return s.replace(/[\s\u00a0\u3000\u200b\u200c\u200d\ufeff]+/g, '');
}

/** Region names as printed → without padding spaces (北　京 → 北京). */
export function cleanName(s: string): string {
  return stripSpaces(s);
}

/** Normalized form for comparing labels/headers: NFKC, no spaces, unified brackets and colons. */
export function normLabel(s: string): string {
  return stripSpaces(s.normalize('NFKC')).replace(/[【\[]/g, '(').replace(/[】\]]/g, ')');
}

const NUMBER_RE = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export function parseNumericText(raw: string): NumericCell {
  const trimmed = raw.replace(/^[\s\u00a0\u3000]+|[\s\u00a0\u3000]+$/g, '');
  if (MISSING_MARKERS.has(trimmed)) return { kind: 'missing', marker: trimmed };
  const t = stripSpaces(trimmed.normalize('NFKC'));
  if (MISSING_MARKERS.has(t)) return { kind: 'missing', marker: trimmed };
  if (t !== '' && /\d/.test(t) && NUMBER_RE.test(t)) {
    const v = Number(t.replace(/,/g, ''));
    if (Number.isFinite(v)) return { kind: 'number', value: v };
  }
  return { kind: 'bad', text: raw, why: 'text that is neither a number nor a missing marker' };
}

/** A cell as the adapters see it: xlsx cells, or CSV fields (always text). */
export type Cell = Pick<CellObject, 't' | 'v' | 'f'> | undefined;

export function parseNumericCell(cell: Cell): NumericCell {
  if (cell === undefined || cell === null) return { kind: 'missing', marker: '' };
  if (cell.f !== undefined && (cell.v === undefined || cell.v === null)) {
    return { kind: 'bad', text: `=${cell.f}`, why: 'a formula without cached value (open and save the file in a spreadsheet program, or paste values)' };
  }
  switch (cell.t) {
    case 'n': {
      const v = cell.v as number;
      if (!Number.isFinite(v)) return { kind: 'bad', text: String(v), why: 'a non-finite number' };
      return { kind: 'number', value: v };
    }
    case 's':
      return parseNumericText(String(cell.v ?? ''));
    case 'z':
      return { kind: 'missing', marker: '' };
    case 'e':
      return { kind: 'bad', text: String((cell as { w?: string }).w ?? cell.v), why: 'an error cell' };
    case 'b':
      return { kind: 'bad', text: String(cell.v), why: 'a boolean' };
    case 'd':
      return { kind: 'bad', text: String(cell.v), why: 'a date' };
    default:
      return { kind: 'bad', text: String(cell.v), why: `a cell of type ${String(cell.t)}` };
  }
}

/** Text of a cell for labels and names ('' when absent); numbers are written out. */
export function cellText(cell: Cell): string {
  if (cell === undefined || cell === null || cell.v === undefined || cell.v === null) return '';
  if (cell.t === 'n' || cell.t === 's' || cell.t === 'b') return String(cell.v);
  if (cell.t === 'd') return String(cell.v);
  return '';
}

/** Footnotes and source lines under a table: 注：… 资料来源：… 数据来源：… 说明：… 仅供… */
export function isFootnote(text: string): boolean {
  const t = normLabel(text);
  return /^(注|附注|资料来源|数据来源|来源|说明|备注|仅供|Source|Note)/i.test(t) && !/^(注册)/.test(t);
}

/** Aggregate rows that are not regions. */
const AGGREGATES = new Set(['全国', '全国合计', '全国总计', '合计', '总计', '全部城市', '地级以上城市', '地级以上城市合计', '中国']);
export function isAggregate(name: string): boolean {
  return AGGREGATES.has(name);
}

/** Units printed in a units row or a bracket: "（万元）" → "万元". */
export function cleanUnit(text: string): string {
  return normLabel(text).replace(/^\(|\)$/g, '').replace(/^单位[:：]?/, '');
}

/** A data year from a header or year cell: 2011, "2011", "2011年", "２０１１年". */
export function parseYear(cell: Cell): number | null {
  if (!cell) return null;
  if (cell.t === 'n') {
    const v = cell.v as number;
    return Number.isInteger(v) && v >= 1900 && v <= 2100 ? v : null;
  }
  if (cell.t === 's') {
    const m = /^(\d{4})(?:年)?$/.exec(normLabel(String(cell.v)));
    if (!m) return null;
    const v = Number(m[1]);
    return v >= 1900 && v <= 2100 ? v : null;
  }
  return null;
}

/** A region code: 6 digits as text or number; null when absent/empty. */
export function parseCode(cell: Cell): { code: string | null; ok: boolean; text: string } {
  const text = cellText(cell);
  const t = stripSpaces(text.normalize('NFKC'));
  if (t === '') return { code: null, ok: true, text };
  if (/^\d{6}$/.test(t)) return { code: t, ok: true, text };
  if (/^\d{6}\.0+$/.test(t)) return { code: t.slice(0, 6), ok: true, text };
  return { code: null, ok: false, text };
}
