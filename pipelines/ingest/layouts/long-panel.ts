/**
 * Layout "long": one row per region-year, as CSMAR or data vendors deliver panels.
 *
 *   城市代码 | 城市名称 | 省份 | 年份 | 人工智能企业数 | …     header row (columns found by name; others ignored)
 *   520500   | 毕节市   | 贵州 | 2015 | "1,234"        | …
 *   数据来源：XX数据库 仅供学术研究使用                         watermark / footer: end of the data
 *
 * Codes are kept as printed (stale or back-cast codes are harmonize's business); numbers may be text.
 */
import type { LongSource } from '../../../schemas/sources.ts';

import { cellText, cleanName, isAggregate, isFootnote, normLabel, parseCode, parseYear } from '../cells.ts';
import { IngestError, shown } from '../errors.ts';
import { address, type Table } from '../table.ts';
import { checkFieldCount, checkUnit, checkYear, MergedCells, rowLead, valueAt, type AdapterContext } from '../common.ts';

export function readLongTable(t: Table, src: LongSource, ctx: AdapterContext): void {
  const sheetWhere = { file: t.file, sheet: t.sheet || undefined };
  const where = (r: number, c: number) => ({ ...sheetWhere, cell: address(r, c) });
  if (t.rows === 0) throw new IngestError(sheetWhere, 'expected a long panel with a header row, got an empty file/sheet');
  for (const ind of src.indicators) checkUnit(ind.indicator, ind.unit, sheetWhere);

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
    const byText = new Map<string, number>();
    for (let c = 0; c < t.cols; c++) {
      const text = normLabel(cellText(t.get(r, c)));
      if (text === '') continue;
      if (byText.has(text)) {
        if (wanted.some((w) => normLabel(w.header) === text)) {
          throw new IngestError(where(r, c), `expected the column ${shown(cellText(t.get(r, c)))} once, it is also ${address(r, byText.get(text)!)}`);
        }
        continue;
      }
      byText.set(text, c);
    }
    const missing = wanted.filter((w) => !byText.has(normLabel(w.header))).map((w) => w.header);
    if (missing.length === 0) {
      headerRow = r;
      cols = new Map(wanted.map((w) => [w.key, byText.get(normLabel(w.header))!]));
      break;
    }
    if (missing.length < wanted.length && (!best || missing.length < best.missing.length)) best = { r, missing };
  }
  if (headerRow < 0) {
    if (best) throw new IngestError(where(best.r, 0), `expected the column(s) ${best.missing.map(shown).join(', ')} in the header row, not found`);
    throw new IngestError(sheetWhere, `expected a header row with ${wanted.map((w) => shown(w.header)).join(', ')} in the first ${searchTo} rows, found none`);
  }
  const nameCol = cols.get('name')!;
  const yearCol = cols.get('year')!;
  const codeCol = cols.get('code');
  const provCol = cols.get('province');

  const readCols = [...cols.values()];
  const merged = new MergedCells(t, readCols, headerRow + 1 + src.skip_after_header);
  for (let r = headerRow + 1 + src.skip_after_header; r < t.rows; r++) {
    const lead = rowLead(t, r);
    if (lead === '') continue;
    if (isFootnote(lead)) break;
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
      const v = valueAt(t, r, c, ind.indicator);
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
        unit: ind.unit,
        missing_marker: v.missing_marker,
      });
    });
  }
}
