/**
 * Layout "long": one row per region-year, as CSMAR or data vendors deliver panels.
 *
 *   城市代码 | 城市名称 | 省份 | 年份 | 人工智能企业数 | …     header row (columns found by name; others ignored)
 *   520500   | 毕节市   | 贵州 | 2015 | "1,234"        | …
 *   数据来源：XX数据库 仅供学术研究使用                         trailer: after the data
 *
 * The data end at the last row with a unit (name or code) and a year: the rows after it (blank rows, a shop's
 * watermark or advert, a URL, notes, in the name, year or a side column) are ignored and counted
 * (stg_files.ignored_rows), unless one holds a number under an indicator (a data row with a bad year or no name:
 * an error). Inside the data a row with a unit but no year, or a year but no unit, is an error naming the cell;
 * text in columns the registry does not declare is ignored. Codes are kept as printed (stale or back-cast codes
 * are harmonize's business); numbers may be text.
 */
import type { LongSource } from '../../../schemas/sources.ts';

import { isKnownUnit, unitName, type IndicatorDefinition } from '../../../schemas/indicators.ts';
import { cellText, cleanName, cleanUnit, isAggregate, isFootnote, normLabel, parseCode, parseNumericCell, parseYear } from '../cells.ts';
import { IngestError, shown } from '../errors.ts';
import { address, type Table } from '../table.ts';
import { checkFieldCount, checkUnit, checkYear, MergedCells, rowLead, valueAt, type AdapterContext } from '../common.ts';

export function readLongTable(t: Table, src: LongSource, ctx: AdapterContext): void {
  const sheetWhere = { file: t.file, sheet: t.sheet || undefined };
  const where = (r: number, c: number) => ({ ...sheetWhere, cell: address(r, c) });
  if (t.rows === 0) throw new IngestError(sheetWhere, 'expected a long panel with a header row, got an empty file/sheet');
  for (const ind of src.indicators) if (ind.unit !== 'header') checkUnit(ctx.indicators[ind.indicator], ind.unit, sheetWhere);

  const wanted: Array<{ key: string; header: string }> = [
    { key: 'name', header: src.columns.name },
    { key: 'year', header: src.columns.year },
  ];
  if (src.columns.code) wanted.push({ key: 'code', header: src.columns.code });
  if (src.columns.province) wanted.push({ key: 'province', header: src.columns.province });
  src.indicators.forEach((ind, i) => wanted.push({ key: `ind${i}`, header: ind.column }));

  const searchTo = Math.min(t.rows, src.header_search_rows);
  let headerRow = -1;
  let cols = new Map<string, number>();
  let best: { r: number; missing: string[] } | null = null;
  for (let r = 0; r < searchTo; r++) {
    const texts: Array<{ text: string; c: number }> = [];
    for (let c = 0; c < t.cols; c++) {
      const text = normLabel(cellText(t.get(r, c)));
      if (text !== '') texts.push({ text, c });
    }
    // a column is found by its name as printed, or by its name followed by a bracket: "gdp（亿元人民币）"
    const found = new Map<string, number>();
    for (const w of wanted) {
      const name = normLabel(w.header);
      const exact = texts.filter((x) => x.text === name);
      const matches = exact.length > 0 ? exact : texts.filter((x) => x.text.startsWith(`${name}(`) && x.text.endsWith(')'));
      if (matches.length > 1) {
        throw new IngestError(where(r, matches[1].c), `expected the column ${shown(w.header)} once, it is also ${address(r, matches[0].c)}`);
      }
      if (matches.length === 1) found.set(w.key, matches[0].c);
    }
    const missing = wanted.filter((w) => !found.has(w.key)).map((w) => w.header);
    if (missing.length === 0) {
      headerRow = r;
      cols = found;
      break;
    }
    if (missing.length < wanted.length && (!best || missing.length < best.missing.length)) best = { r, missing };
  }
  if (headerRow < 0) {
    if (best) throw new IngestError(where(best.r, 0), `expected the column(s) ${best.missing.map(shown).join(', ')} in the header row, not found`);
    throw new IngestError(sheetWhere, `expected a header row with ${wanted.map((w) => shown(w.header)).join(', ')} in the first ${searchTo} rows, found none`);
  }
  const units = src.indicators.map((ind, i) => columnUnit(t, headerRow, cols.get(`ind${i}`)!, ind, ctx.indicators[ind.indicator]));
  const nameCol = cols.get('name')!;
  const yearCol = cols.get('year')!;
  const codeCol = cols.get('code');
  const provCol = cols.get('province');

  const readCols = [...cols.values()];
  const valueCols = src.indicators.map((_, i) => cols.get(`ind${i}`)!);
  const first = headerRow + 1 + src.skip_after_header;
  const text = (r: number, c: number) => cellText(t.get(r, c)).trim();
  const hasUnit = (r: number) => {
    const name = text(r, nameCol);
    return (name !== '' && !isFootnote(name)) || (codeCol !== undefined && text(r, codeCol) !== '');
  };
  // The data end at the last row with a unit and a year. What follows (blank rows, a shop's watermark or advert,
  // a URL, notes; in any column) is a trailer: ignored and counted, never read as data.
  let last = first - 1;
  for (let r = t.rows - 1; r >= first; r--) {
    if (hasUnit(r) && parseYear(t.get(r, yearCol)) !== null) {
      last = r;
      break;
    }
  }
  let ignored = 0;
  for (let r = last + 1; r < t.rows; r++) {
    if (rowLead(t, r) === '') continue;
    // a number under an indicator is data, not a watermark: a row whose year or unit is missing or unreadable
    const valueCol = valueCols.find((c) => parseNumericCell(t.get(r, c)).kind === 'number');
    if (valueCol !== undefined) {
      if (!hasUnit(r)) throw new IngestError(where(r, nameCol), `expected a region name in a row with data (${address(r, valueCol)}), got ${shown(text(r, nameCol))}`);
      throw new IngestError(where(r, yearCol), `expected a 4-digit year, got ${shown(cellText(t.get(r, yearCol)))}`);
    }
    ignored++;
  }

  const merged = new MergedCells(t, readCols, first);
  for (let r = first; r <= last; r++) {
    if (readCols.every((c) => text(r, c) === '')) {
      // a blank row, or text only in columns the registry does not declare (a stray watermark cell)
      if (rowLead(t, r) !== '') ignored++;
      continue;
    }
    checkFieldCount(t, r, headerRow);
    const name = cleanName(cellText(t.get(r, nameCol)));
    if (name === '') {
      merged.check(r); // a name merged down over the rows below: name the merge, not the empty cell
      throw new IngestError(where(r, nameCol), 'expected a region name, got an empty cell');
    }
    if (isAggregate(name)) continue;
    merged.check(r);
    const year = parseYear(t.get(r, yearCol));
    if (year === null) throw new IngestError(where(r, yearCol), `expected a 4-digit year, got ${shown(cellText(t.get(r, yearCol)))}`);
    checkYear(year, ctx, { sheet: t.sheet || undefined, cell: address(r, yearCol) });
    if (ctx.yearFromName !== null && year !== ctx.yearFromName) {
      throw new IngestError(where(r, yearCol), `expected the year ${ctx.yearFromName} given by the file name, got ${year}`);
    }
    let code: string | null = null;
    if (codeCol !== undefined) {
      const pc = parseCode(t.get(r, codeCol));
      if (!pc.ok) throw new IngestError(where(r, codeCol), `expected a 6-digit region code, got ${shown(pc.text)}`);
      code = pc.code;
    }
    const province = provCol !== undefined ? cleanName(cellText(t.get(r, provCol))) || null : null;
    src.indicators.forEach((ind, i) => {
      const c = cols.get(`ind${i}`)!;
      const v = valueAt(t, r, c, ctx.indicators[ind.indicator]);
      ctx.emit({
        source_id: ctx.sourceId,
        file: t.file,
        sheet: t.sheet,
        cell: address(r, c),
        file_sha256: ctx.sha256,
        layout: 'long',
        indicator: ind.indicator,
        scope: src.scope,
        year,
        name_raw: name,
        code_raw: code,
        province_raw: province,
        value: v.value,
        unit: units[i],
        missing_marker: v.missing_marker,
        concept: ind.concept ?? null,
      });
    });
  }
  ctx.ignoredRows(ignored);
}

/** The unit of an indicator column: the bracket after its name in the header ("gdp（亿元人民币）" → 亿元) when the
 *  registry says "header", else the registry's unit, which a unit printed in the header must not contradict. */
function columnUnit(t: Table, headerRow: number, col: number, ind: LongSource['indicators'][number], def: IndicatorDefinition): string {
  const where = { file: t.file, sheet: t.sheet || undefined, cell: address(headerRow, col) };
  const printed = cellText(t.get(headerRow, col));
  const bracket = /\(([^()]*)\)$/.exec(normLabel(printed));
  const inHeader = bracket ? cleanUnit(bracket[1]) : null;
  if (ind.unit === 'header') {
    if (!inHeader) {
      throw new IngestError(where, `expected the unit in brackets after the column name (the registry's unit is "header"), e.g. "${ind.column}(${def.unit})", got ${shown(printed)}`);
    }
    return checkUnit(def, inHeader, where);
  }
  const unit = checkUnit(def, ind.unit, where);
  if (inHeader && isKnownUnit(inHeader) && unitName(inHeader) !== unit) {
    throw new IngestError(where, `expected the unit ${unit} the registry gives column ${shown(ind.column)}, the header says ${shown(inHeader)}`);
  }
  return unit;
}
