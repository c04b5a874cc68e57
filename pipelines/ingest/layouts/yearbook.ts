/**
 * Layout "yearbook": a City Statistical Yearbook table exported to xlsx.
 *
 *   2-7 综合经济（2014年）                          title rows (ignored)
 *   城市 | 地区生产总值        | 第一产业增加值 …     header level 1: labels, merged over their scope columns
 *        | 全市     | 市辖区  | 全市 | 市辖区 …      header level 2: 全市 / 市辖区 (optional)
 *   单位 | 万元     | 万元    | …                    units row (when unit = "row")
 *   全国合计 | …                                      aggregate rows: skipped
 *   北　京 | 1234 | …                                municipalities: a city, province = itself
 *   河北省 | (empty or totals)                       province rows: skipped, set the province of the rows below
 *   石家庄 | …                                       city rows
 *   注：… / 资料来源：…                               footnotes: end of the table
 *
 * A short province name (河　北) is a province row unless the rows are already inside that province's block,
 * so the city 吉林 under the province row 吉林省/吉　林 stays a city. A year in a title row must be the file's
 * (see checkTitleYear); merged cells among the city rows are refused.
 */
import type { YearbookSource } from '../../../schemas/sources.ts';
import { cellText, cleanName, cleanUnit, isAggregate, isFootnote, normLabel } from '../cells.ts';
import { IngestError, shown } from '../errors.ts';
import { address, columnIndex, type Table } from '../table.ts';
import { checkUnit, MergedCells, rowIsEmpty, valueAt, type AdapterContext } from '../common.ts';

interface Column {
  indicator: string;
  concept: string | null;
  col: number;
  scope: '全市' | '市辖区' | null;
  unit: string;
}

const SCOPES = new Map<string, '全市' | '市辖区'>([
  ['全市', '全市'],
  ['全市合计', '全市'],
  ['市辖区', '市辖区'],
  ['市区', '市辖区'],
]);

/** Header cell matches a label when equal after normalization, or equal up to a unit bracket "(万元)". */
function matchLabel(cell: string, labels: string[]): { unit: string | null } | null {
  const n = normLabel(cell);
  if (n === '') return null;
  for (const l of labels) {
    const nl = normLabel(l);
    if (n === nl) return { unit: null };
    if (n.startsWith(`${nl}(`) && n.endsWith(')')) return { unit: cleanUnit(n.slice(nl.length)) };
  }
  return null;
}

export function readYearbookTable(t: Table, src: YearbookSource, ctx: AdapterContext): void {
  const where = (r: number, c: number) => ({ file: t.file, sheet: t.sheet, cell: address(r, c) });
  if (t.rows === 0) throw new IngestError({ file: t.file, sheet: t.sheet }, 'expected a yearbook table, got an empty sheet');
  const year = ctx.yearFromName;
  if (year === null) {
    throw new IngestError({ file: t.file }, `expected the edition or year in the file name (pattern '${src.file}' of source '${src.id}' needs {edition} or {year})`);
  }
  const nameCol = columnIndex(src.name_column);

  // 1. header row: the first row (within header_search_rows) holding a declared label; all declared labels must be on it
  let headerRow = -1;
  const found = new Map<string, { col: number; unit: string | null }>();
  const searchTo = Math.min(t.rows, src.header_search_rows);
  for (let r = 0; r < searchTo && headerRow < 0; r++) {
    for (let c = 0; c < t.cols; c++) {
      const text = cellText(t.get(r, c));
      for (const ind of src.indicators) {
        const m = matchLabel(text, ind.labels);
        if (!m) continue;
        const prev = found.get(ind.indicator);
        if (prev) throw new IngestError(where(r, c), `expected the label ${shown(ind.labels[0])} once in the header row, it is also in ${address(r, prev.col)}`);
        found.set(ind.indicator, { col: c, unit: m.unit });
        headerRow = r;
      }
    }
  }
  if (headerRow < 0) {
    throw new IngestError(
      { file: t.file, sheet: t.sheet },
      `expected a header row with ${src.indicators.map((i) => shown(i.labels[0])).join(', ')} in the first ${searchTo} rows, found none (not a yearbook table of this kind?)`,
    );
  }
  for (const ind of src.indicators) {
    if (!found.has(ind.indicator)) {
      throw new IngestError(where(headerRow, 0), `expected the label ${ind.labels.map(shown).join(' or ')} in header row ${headerRow + 1}, not found`);
    }
  }

  checkTitleYear(t, headerRow, year, src);

  // 2. second header level: 全市 / 市辖区 under each label (merged span, else label column + empty neighbours)
  const scopeRow = headerRow + 1;
  const labelCols = new Set([...found.values()].map((f) => f.col));
  const spanOf = (c: number): number[] => {
    const m = t.mergeAt(headerRow, c);
    if (m) return Array.from({ length: m.c2 - m.c1 + 1 }, (_, i) => m.c1 + i);
    const cols = [c];
    for (let k = c + 1; k < t.cols; k++) {
      if (labelCols.has(k) || cellText(t.get(headerRow, k)).trim() !== '') break;
      if (!SCOPES.has(normLabel(cellText(t.get(scopeRow, k))))) break;
      cols.push(k);
    }
    return cols;
  };
  const hasScopeRow = [...found.values()].some((f) => SCOPES.has(normLabel(cellText(t.get(scopeRow, f.col)))));
  const columns: Column[] = [];
  for (const ind of src.indicators) {
    const f = found.get(ind.indicator)!;
    const span = spanOf(f.col);
    const present = new Map<string, number>();
    for (const c of span) {
      let scope: '全市' | '市辖区' | null = src.scope ?? null;
      // a single-column label without a scope cell under it (often merged down over the scope row) keeps the
      // registry scope even when the other labels have a 全市/市辖区 level
      const unsplit = span.length === 1 && normLabel(cellText(t.get(scopeRow, c))) === '';
      if (hasScopeRow && unsplit && ind.scopes && !(src.scope && ind.scopes.every((x) => x === src.scope))) {
        throw new IngestError(where(scopeRow, c), `expected ${ind.scopes.join(' and ')} columns under ${shown(ind.labels[0])}, found one column without scope`);
      }
      if (hasScopeRow && !unsplit) {
        const text = cellText(t.get(scopeRow, c));
        const s = SCOPES.get(normLabel(text));
        if (!s) throw new IngestError(where(scopeRow, c), `expected 全市 or 市辖区 under ${shown(ind.labels[0])}, got ${shown(text)}`);
        if (present.has(s)) throw new IngestError(where(scopeRow, c), `expected one ${s} column under ${shown(ind.labels[0])}, it is also in ${address(scopeRow, present.get(s)!)}`);
        present.set(s, c);
        scope = s;
      }
      if (ind.scopes && scope !== null && !ind.scopes.includes(scope)) continue;
      columns.push({ indicator: ind.indicator, concept: ind.concept ?? null, col: c, scope, unit: f.unit ?? '' });
    }
    const unsplitLabel = span.length === 1 && normLabel(cellText(t.get(scopeRow, span[0]))) === '';
    for (const s of ind.scopes ?? []) {
      if ((!hasScopeRow || unsplitLabel) && src.scope === s) continue;
      if (!hasScopeRow || !present.has(s)) {
        throw new IngestError(where(hasScopeRow ? scopeRow : headerRow, f.col), `expected a ${s} column under ${shown(ind.labels[0])}, not found`);
      }
    }
  }

  // 3. units
  let dataStart = headerRow + (hasScopeRow ? 2 : 1);
  if (src.unit === 'row') {
    const unitRow = dataStart;
    dataStart++;
    for (const col of columns) {
      const text = cellText(t.get(unitRow, col.col));
      const u = cleanUnit(text);
      if (u === '' || /^[\d.,]+$/.test(u)) {
        throw new IngestError(where(unitRow, col.col), `expected a unit (e.g. ${ctx.indicators[col.indicator].unit}) in the units row under ${ctx.indicators[col.indicator].label}, got ${shown(text)}`);
      }
      col.unit = checkUnit(ctx.indicators[col.indicator], u, where(unitRow, col.col));
    }
  } else if (src.unit === 'header') {
    for (const col of columns) {
      const f = found.get(col.indicator)!;
      if (!f.unit) throw new IngestError(where(headerRow, f.col), `expected a unit in brackets after the label, e.g. "${ctx.indicators[col.indicator].label}(${ctx.indicators[col.indicator].unit})"`);
      col.unit = checkUnit(ctx.indicators[col.indicator], f.unit, where(headerRow, f.col));
    }
  } else {
    for (const col of columns) {
      col.unit = checkUnit(ctx.indicators[col.indicator], src.unit, { file: t.file, sheet: t.sheet });
    }
  }

  // 4. rows
  const valueCols = columns.map((c) => c.col);
  const merged = new MergedCells(t, [nameCol, ...valueCols], dataStart);
  let province: string | null = null;
  let provinceShort: string | null = null;
  for (let r = dataStart; r < t.rows; r++) {
    const nameCell = t.get(r, nameCol);
    const printed = cellText(nameCell);
    const name = cleanName(printed);
    if (name === '') {
      if (rowIsEmpty(t, r, valueCols)) continue;
      merged.check(r); // a name merged down over the rows below: name the merge, not the empty cell
      throw new IngestError(where(r, nameCol), 'expected a city or province name in a row that has data, got an empty cell');
    }
    if (isFootnote(name)) break;
    if (nameCell && nameCell.t === 'n') throw new IngestError(where(r, nameCol), `expected a city or province name, got the number ${shown(printed)}`);
    if (isAggregate(name)) continue;
    const p = ctx.provinces.get(name);
    if (p && !ctx.provinces.isMunicipality(name) && (ctx.provinces.isFullName(name) || provinceShort !== p.short)) {
      province = name;
      provinceShort = p.short;
      continue;
    }
    const provinceRaw = ctx.provinces.isMunicipality(name) ? name : province;
    merged.check(r);
    for (const col of columns) {
      const v = valueAt(t, r, col.col, ctx.indicators[col.indicator]);
      ctx.emit({
        source_id: ctx.sourceId,
        file: t.file,
        sheet: t.sheet,
        cell: address(r, col.col),
        file_sha256: ctx.sha256,
        layout: 'yearbook',
        indicator: col.indicator,
        scope: col.scope,
        year,
        name_raw: name,
        code_raw: null,
        province_raw: provinceRaw,
        value: v.value,
        unit: col.unit,
        missing_marker: v.missing_marker,
        concept: col.concept,
      });
    }
  }
}

/** A year printed in a title row must be the file's: the data year ("综合经济（2014年）", "(2014)") or, next to
 *  年鉴, the edition ("中国城市统计年鉴2015"). Two editions swapped or a file misnamed read the wrong year's
 *  values under the right year otherwise. A title cell with several years (a range, a census year) is not
 *  checked. */
function checkTitleYear(t: Table, headerRow: number, year: number, src: YearbookSource): void {
  const edition = year + src.edition_offset;
  for (let r = 0; r < headerRow; r++) {
    for (let c = 0; c < t.cols; c++) {
      const cell = t.get(r, c);
      if (!cell || cell.t !== 's') continue;
      const text = String(cell.v).normalize('NFKC');
      const years = [...text.matchAll(/(?<!\d)(?:19|20)\d{2}(?!\d)/g)];
      if (years.length !== 1) continue;
      const printed = Number(years[0][0]);
      const at = years[0].index!;
      const isEdition = /年鉴\s*$/.test(text.slice(0, at)) || /^\s*年?(鉴|版)/.test(text.slice(at + 4));
      const where = { file: t.file, sheet: t.sheet, cell: address(r, c) };
      if (isEdition && printed !== edition) {
        throw new IngestError(where, `expected the edition ${edition} of the file name in the title, the title says edition ${printed} (${shown(String(cell.v))}): editions swapped or the file misnamed?`);
      }
      if (!isEdition && printed !== year) {
        throw new IngestError(where, `expected the data year ${year} of edition ${edition} (the file name) in the title, the title says ${printed} (${shown(String(cell.v))}), the data year of edition ${printed + src.edition_offset}: editions swapped or the file misnamed?`);
      }
    }
  }
}
