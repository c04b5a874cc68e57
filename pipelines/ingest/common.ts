/** Pieces shared by the layout adapters: the emit context, unit checks, province names, value cells. */
import { UNIT_FACTORS, unitName, type IndicatorDefinition } from '../../schemas/indicators.ts';
import type { StagedValue } from '../../schemas/staged.ts';
import type { Province } from '../../schemas/crosswalk.ts';
import { parseNumericCell, type Cell } from './cells.ts';
import { IngestError, shown } from './errors.ts';
import type { Merge, Table } from './table.ts';
import { address, rangeAddress } from './table.ts';

export interface AdapterContext {
  sourceId: string;
  file: string;           // relative to the raw dir
  sha256: string;
  /** data year from the file name ({edition} or {year} placeholder), if the pattern has one */
  yearFromName: number | null;
  years: { from: number; to: number };
  /** every indicator the registry can feed (the fixed ones and its extra_indicators) */
  indicators: Readonly<Record<string, IndicatorDefinition>>;
  provinces: ProvinceIndex;
  emit(v: StagedValue): void;
  /** a matrix layout's year columns: their range and where the first one is */
  yearHeader(h: YearHeader): void;
  /** rows holding text that were not read: after the end of the data (watermarks, adverts, notes), or inside it
   *  with text only in columns the registry does not declare */
  ignoredRows(rows: number): void;
}

/** The year columns of one sheet of an EPS export. */
export interface YearHeader {
  sheet: string;
  /** A1 address of the first year's header cell */
  cell: string;
  first: number;
  last: number;
}

/** Province names (full 河北省 and short 河北) of the 31 provincial units. */
export class ProvinceIndex {
  private readonly byName = new Map<string, Province>();
  private readonly municipalities = new Set<string>();

  constructor(list: Province[]) {
    for (const p of list) {
      this.byName.set(p.name, p);
      this.byName.set(p.short, p);
      if (p.name.endsWith('市')) {
        this.municipalities.add(p.name);
        this.municipalities.add(p.short);
      }
    }
  }

  get(name: string): Province | undefined {
    return this.byName.get(name);
  }

  isMunicipality(name: string): boolean {
    return this.municipalities.has(name);
  }

  /** Full official name (河北省, 内蒙古自治区): never a city name. */
  isFullName(name: string): boolean {
    const p = this.byName.get(name);
    return p !== undefined && p.name === name && !this.municipalities.has(name);
  }
}

/** The clean stage must be able to convert the declared unit to the canonical one: refuse anything else here.
 *  Returns the unit in the unit table's spelling (亿元人民币 → 亿元), as staged values record it. */
export function checkUnit(indicator: Pick<IndicatorDefinition, 'label' | 'unit'>, printed: string, where: { file: string; sheet?: string; cell?: string }): string {
  const canonical = indicator.unit;
  const known = UNIT_FACTORS[canonical];
  const unit = unitName(printed);
  if (!known || !Object.prototype.hasOwnProperty.call(known, unit)) {
    const list = known ? Object.keys(known).join(', ') : canonical;
    throw new IngestError(where, `expected a unit convertible to ${canonical} for ${indicator.label} (${list}), got ${shown(printed)}`);
  }
  return unit;
}

export function checkYear(year: number, ctx: AdapterContext, where: { sheet?: string; cell?: string }): void {
  if (year < ctx.years.from || year > ctx.years.to) {
    throw new IngestError(
      { file: ctx.file, ...where },
      `expected a data year within the registry range ${ctx.years.from}–${ctx.years.to} of source '${ctx.sourceId}', got ${year}`,
    );
  }
}

/** Parse a value cell into value/missing_marker, or stop with a one-line error. */
export function valueAt(
  t: Table,
  r: number,
  c: number,
  indicator: Pick<IndicatorDefinition, 'label'>,
): { value: number | null; missing_marker: string | null } {
  const cell: Cell = t.get(r, c);
  const p = parseNumericCell(cell);
  if (p.kind === 'number') {
    if (p.value < 0) {
      throw new IngestError(
        { file: t.file, sheet: t.sheet, cell: address(r, c) },
        `expected a non-negative number for ${indicator.label} (every raw indicator is a count or an amount), got ${p.value}`,
      );
    }
    return { value: p.value, missing_marker: null };
  }
  if (p.kind === 'missing') return { value: null, missing_marker: p.marker };
  throw new IngestError(
    { file: t.file, sheet: t.sheet, cell: address(r, c) },
    `expected a number or a missing marker (empty, —, …, -), got ${p.why} ${shown(p.text)}`,
  );
}

/** First non-empty text of a row (for footnote detection). */
export function rowLead(t: Table, r: number): string {
  for (let c = 0; c < t.cols; c++) {
    const cell = t.get(r, c);
    if (cell && cell.t === 's') {
      const s = String(cell.v).trim();
      if (s !== '') return s;
    } else if (cell && cell.v !== undefined && cell.v !== null && cell.v !== '') return String(cell.v);
  }
  return '';
}

export function rowIsEmpty(t: Table, r: number, cols: number[]): boolean {
  for (const c of cols) {
    const cell = t.get(r, c);
    if (cell && cell.v !== undefined && cell.v !== null && String(cell.v).trim() !== '') return false;
  }
  return true;
}

/** Merged cells inside the data block: a merged value cell is read as one value and empty (missing) cells, a
 *  merged name as one row and a row without a name. The rows a reader reads are checked one after the other
 *  (in increasing order) against the ranges that touch the columns it reads. */
export class MergedCells {
  private readonly pending: Merge[];
  private active: Merge[] = [];
  private next = 0;

  constructor(private readonly t: Table, cols: number[], fromRow: number) {
    this.pending = t.merges
      .filter((m) => m.r2 >= fromRow && cols.some((c) => c >= m.c1 && c <= m.c2))
      .sort((a, b) => a.r1 - b.r1);
  }

  /** Stop when a merged range covers row r in one of the columns read. */
  check(r: number): void {
    while (this.next < this.pending.length && this.pending[this.next].r1 <= r) this.active.push(this.pending[this.next++]);
    this.active = this.active.filter((m) => m.r2 >= r);
    const m = this.active[0];
    if (!m) return;
    throw new IngestError(
      { file: this.t.file, sheet: this.t.sheet || undefined, cell: rangeAddress(m) },
      'expected one value per cell in the data block, got merged cells (a merged cell is read as one value and empty cells): unmerge them and fill every cell',
    );
  }
}

/** CSV: every record read has as many fields as the header; an unquoted comma (1,101) shifts the fields after it,
 *  a short record leaves the last columns empty, both silently. */
export function checkFieldCount(t: Table, r: number, headerRow: number): void {
  if (!t.csv) return;
  const want = t.csv.fields(headerRow);
  const got = t.csv.fields(r);
  if (got === want) return;
  const why = got > want ? 'an unquoted comma inside a field, e.g. a number written 1,101?' : 'a short or truncated line?';
  throw new IngestError(
    { file: t.file, cell: `line ${t.csv.line(r)}` },
    `expected ${want} fields as in the header (line ${t.csv.line(headerRow)}), got ${got}: ${why}`,
  );
}
