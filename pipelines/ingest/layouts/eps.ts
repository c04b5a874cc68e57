/**
 * Layout "eps": one indicator per sheet, regions × years.
 *
 *   指标名称：专利授权数            header block (key：value in one cell, or key | value in two cells)
 *   单位：件
 *   频度：年
 *   数据来源：国家知识产权局
 *   地区代码 | 地区名称 | 2011 | 2012 | …     table header (years as numbers, "2011" or "2011年")
 *   110000   | 北京市   | 1234 | …
 *   数据来源：EPS DATA                       footnote: end of the table
 *
 * Aggregate rows (全国) are skipped; in city sheets a row naming a province (not a municipality) is skipped too.
 * The range of the year columns is reported (ctx.yearHeader) and checked against the years of the dated files
 * (a year header shifted by one, pipelines/ingest/read.ts); merged cells among the rows read are refused.
 */
import type { EpsSource } from '../../../schemas/sources.ts';
import { cellText, cleanName, cleanUnit, isAggregate, isFootnote, normLabel, parseCode, parseYear } from '../cells.ts';
import { IngestError, shown } from '../errors.ts';
import { address, type Table } from '../table.ts';
import { checkUnit, checkYear, MergedCells, rowLead, valueAt, type AdapterContext } from '../common.ts';

const BLOCK_KEYS = ['指标名称', '指标', '单位', '频度', '数据来源', '来源'];

function blockLine(t: Table, r: number): { key: string; value: string; col: number } | null {
  for (let c = 0; c < Math.min(t.cols, 4); c++) {
    const text = normLabel(cellText(t.get(r, c)));
    if (text === '') continue;
    for (const k of BLOCK_KEYS) {
      if (text.startsWith(`${k}:`)) return { key: k, value: text.slice(k.length + 1), col: c };
      if (text === k) return { key: k, value: normLabel(cellText(t.get(r, c + 1))), col: c + 1 };
    }
    return null;
  }
  return null;
}

export function readEpsSheet(t: Table, src: EpsSource, ctx: AdapterContext): void {
  const sheetWhere = { file: t.file, sheet: t.sheet };
  const where = (r: number, c: number) => ({ ...sheetWhere, cell: address(r, c) });
  if (t.rows === 0) throw new IngestError(sheetWhere, 'expected an EPS table, got an empty sheet');
  const searchTo = Math.min(t.rows, src.header_search_rows);
  const codeHeaders = new Set(src.code_headers.map(normLabel));
  const nameHeaders = new Set(src.name_headers.map(normLabel));
  const labels = src.labels.map(normLabel);

  let unit: string | null = src.unit === 'header' ? null : src.unit;
  let headerRow = -1;
  let codeCol = -1;
  let nameCol = -1;
  const yearCols: Array<{ col: number; year: number }> = [];
  for (let r = 0; r < searchTo; r++) {
    const line = blockLine(t, r);
    if (line) {
      if (line.key === '指标名称' || line.key === '指标') {
        const v = line.value;
        if (!labels.some((l) => v === l || (v.startsWith(`${l}(`) && v.endsWith(')')))) {
          throw new IngestError(where(r, line.col), `expected the indicator ${src.labels.map(shown).join(' or ')} (source '${src.id}'), got ${shown(line.value)}`);
        }
      } else if (line.key === '单位' && src.unit === 'header') {
        unit = checkUnit(ctx.indicators[src.indicator], cleanUnit(line.value), where(r, line.col));
      }
      continue;
    }
    let cc = -1;
    let nc = -1;
    const ys: Array<{ col: number; year: number }> = [];
    for (let c = 0; c < t.cols; c++) {
      const cell = t.get(r, c);
      const text = normLabel(cellText(cell));
      if (cc < 0 && codeHeaders.has(text)) cc = c;
      else if (nc < 0 && nameHeaders.has(text)) nc = c;
      else {
        const y = parseYear(cell);
        if (y !== null) ys.push({ col: c, year: y });
      }
    }
    if (nc >= 0 && ys.length > 0) {
      headerRow = r;
      codeCol = cc;
      nameCol = nc;
      yearCols.push(...ys);
      break;
    }
  }
  if (headerRow < 0) {
    throw new IngestError(sheetWhere, `expected an EPS table header (${src.name_headers[0]} and year columns) in the first ${searchTo} rows, found none (not an EPS export?)`);
  }
  if (unit === null) throw new IngestError(sheetWhere, `expected a 单位 line (unit of ${ctx.indicators[src.indicator].label}) above the table, found none`);
  if (src.unit !== 'header') unit = checkUnit(ctx.indicators[src.indicator], unit, sheetWhere);
  const seenYear = new Map<number, number>();
  for (const y of yearCols) {
    const cellWhere = { sheet: t.sheet, cell: address(headerRow, y.col) };
    checkYear(y.year, ctx, cellWhere);
    if (seenYear.has(y.year)) throw new IngestError(where(headerRow, y.col), `expected each year once in the header, ${y.year} is also in ${address(headerRow, seenYear.get(y.year)!)}`);
    seenYear.set(y.year, y.col);
  }
  // compared with the years of the dated files once every file is read (a header shifted by one year)
  const first = yearCols.reduce((a, b) => (b.year < a.year ? b : a));
  ctx.yearHeader({ sheet: t.sheet, cell: address(headerRow, first.col), first: first.year, last: Math.max(...yearCols.map((y) => y.year)) });

  const merged = new MergedCells(t, [nameCol, ...(codeCol >= 0 ? [codeCol] : []), ...yearCols.map((y) => y.col)], headerRow + 1);
  for (let r = headerRow + 1; r < t.rows; r++) {
    const lead = rowLead(t, r);
    if (lead === '') continue;
    if (isFootnote(lead)) break;
    const nameCell = t.get(r, nameCol);
    const name = cleanName(cellText(t.get(r, nameCol)));
    let code: string | null = null;
    if (codeCol >= 0) {
      const pc = parseCode(t.get(r, codeCol));
      if (!pc.ok) throw new IngestError(where(r, codeCol), `expected a 6-digit region code, got ${shown(pc.text)}`);
      code = pc.code;
    }
    if (name === '') {
      merged.check(r); // a name merged down over the rows below: name the merge, not the empty cell
      throw new IngestError(where(r, nameCol), `expected a region name in a row with data, got ${nameCell ? shown(cellText(nameCell)) : 'an empty cell'}`);
    }
    if (isAggregate(name)) continue;
    const p = ctx.provinces.get(name);
    let provinceRaw: string | null = null;
    if (src.level === 'city') {
      // a province subtotal row inside a city sheet: a province code (xx0000), or no code and a province name;
      // the city 吉林 (220200) is not the province 吉林 (220000)
      const provinceRow = p !== undefined && !ctx.provinces.isMunicipality(name) && (code === null ? true : /^\d{2}0000$/.test(code));
      if (provinceRow) continue;
      if (p && ctx.provinces.isMunicipality(name)) provinceRaw = name;
    } else {
      if (!p) throw new IngestError(where(r, nameCol), `expected a province name in a provincial sheet, got ${shown(name)}`);
      provinceRaw = name;
    }
    merged.check(r);
    for (const y of yearCols) {
      const v = valueAt(t, r, y.col, ctx.indicators[src.indicator]);
      ctx.emit({
        source_id: ctx.sourceId,
        file: t.file,
        sheet: t.sheet,
        cell: address(r, y.col),
        file_sha256: ctx.sha256,
        layout: 'eps',
        indicator: src.indicator,
        scope: src.scope,
        year: y.year,
        name_raw: name,
        code_raw: code,
        province_raw: provinceRaw,
        value: v.value,
        unit,
        missing_marker: v.missing_marker,
        concept: src.concept ?? null,
      });
    }
  }
}
