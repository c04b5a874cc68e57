// Bad input through the whole pipeline: a copy of the bundled sample with ONE file corrupted per case. A refused
// case stops the run with one line naming file, sheet and cell and what was expected, and leaves the warehouse
// built before byte-identical. A case accepted by design is built and its converted value checked in the
// warehouse (stg_values keeps the value as printed, clean_values and the panel equal the uncorrupted build).
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StageDb, sqlString } from '../../../pipelines/core/db.ts';
import { DEFAULT_LIMITS } from '../../../pipelines/ingest/read.ts';
import { runPipeline, type RunRecord } from '../../../pipelines/runner/run.ts';
import { SAMPLE_RAW } from '../../helpers/sample-warehouse.ts';
import {
  cells, copySampleRaw, editWorkbook, encodeGbk, newOutDir, panelHash, queryWarehouse, rowOf, runCli, warehouseFiles,
} from '../../helpers/rebuild.ts';

const YB = (edition: number) => `yearbook/中国城市统计年鉴${edition}.xlsx`;
const PATENTS = 'eps/中国城市数据库_专利.xlsx';
const VENDOR = 'vendor/ai_enterprises.csv';
const EXPRESS = 'eps/中国城市数据库_快递业务量.xlsx';

let raw: string;
let out: string;
let before: Record<string, string | null>;
let baselinePanel: { hash: string; rows: number };
const touched = new Set<string>();

beforeAll(async () => {
  raw = copySampleRaw('bad');
  out = newOutDir('bad');
  await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
  before = warehouseFiles(out);
  baselinePanel = await panelHash(out);
});

afterAll(() => {
  for (const d of [raw, out]) if (d) rmSync(d, { recursive: true, force: true });
});

/** Put the bundled version of every file a case changed back. */
afterEach(() => {
  for (const f of touched) {
    rmSync(join(raw, f), { force: true });
    try {
      copyFileSync(join(SAMPLE_RAW, f), join(raw, f));
    } catch {
      // a file the case added: nothing to restore
    }
  }
  touched.clear();
});

const path = (f: string) => {
  touched.add(f);
  return join(raw, f);
};

/** Runs the pipeline on the corrupted copy; it must fail, leave the warehouse files as they were; returns the message. */
async function refused(): Promise<string> {
  let message: string | undefined;
  let run: RunRecord | undefined;
  try {
    run = await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
  } catch (e) {
    message = (e as Error).message;
  }
  expect(run, 'the run should have been refused').toBeUndefined();
  expect(message).toBeDefined();
  expect(message!).not.toMatch(/[\r\n]/);
  expect(warehouseFiles(out)).toEqual(before);
  const results = JSON.parse(readFileSync(join(out, 'run_results.json'), 'utf8'));
  expect(results.status).toBe('failed');
  expect(results.error).toBe(message);
  return message!;
}

const editSheet = (file: string, sheet: string, edit: (ws: XLSX.WorkSheet) => void) =>
  editWorkbook(path(file), (wb) => edit(wb.Sheets[sheet]));

const noPollution = () => {
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  expect(({} as Record<string, unknown>).constructor).toBe(Object);
  expect(Object.keys(Object.prototype)).toEqual([]);
};

describe('broken or unsafe files: refused, warehouse untouched', () => {
  it('a truncated xlsx', async () => {
    const buf = readFileSync(path(YB(2016)));
    writeFileSync(path(YB(2016)), buf.subarray(0, Math.floor(buf.length / 2)));
    expect(await refused()).toBe(`ingest: file ${YB(2016)}: expected a complete xlsx workbook, got a truncated or corrupt zip (no end-of-central-directory record)`);
  });

  it('a non-spreadsheet renamed .xlsx (a PDF, an HTML page)', async () => {
    writeFileSync(path(YB(2016)), '%PDF-1.4\n%âãÏÓ\n1 0 obj\n');
    expect(await refused()).toBe(`ingest: file ${YB(2016)}: expected an xlsx workbook (a zip container), got a PDF file`);
    writeFileSync(path(YB(2016)), '<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>');
    expect(await refused()).toBe(`ingest: file ${YB(2016)}: expected an xlsx workbook (a zip container), got an HTML page`);
  });

  it('an encrypted (password-protected) workbook', async () => {
    const cfb = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(cfb, '/EncryptionInfo', Buffer.alloc(200, 1));
    XLSX.CFB.utils.cfb_add(cfb, '/EncryptedPackage', Buffer.alloc(5000, 2));
    writeFileSync(path(PATENTS), Buffer.from(XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer));
    expect(await refused()).toBe(`ingest: file ${PATENTS}: expected an xlsx workbook, got a password-protected (encrypted) workbook: save it again without password`);
  });

  it('a decompression bomb (a zip entry declaring 3 GB) is refused before inflating', async () => {
    const buf = readFileSync(path(YB(2016)));
    const cd = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    buf.writeUInt32LE(3_000_000_000, cd + 24);
    writeFileSync(path(YB(2016)), buf);
    const msg = await refused();
    expect(msg).toMatch(new RegExp(`^ingest: file ${YB(2016)}: .*limits\\.maxUncompressedBytes.*decompression bomb`));
  });

  it('a file over the size limit (a sparse file: nothing is read)', async () => {
    const f = path(YB(2016));
    truncateSync(f, DEFAULT_LIMITS.maxFileBytes + 1);
    expect(await refused()).toBe(
      `ingest: file ${YB(2016)}: expected at most ${DEFAULT_LIMITS.maxFileBytes} bytes (limits.maxFileBytes), the file has ${DEFAULT_LIMITS.maxFileBytes + 1}`);
  });

  it('the CLI prints the one line and exits 2', () => {
    const buf = readFileSync(path(YB(2016)));
    writeFileSync(path(YB(2016)), buf.subarray(0, 1000));
    const r = runCli(['--raw', raw, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`error: ingest: file ${YB(2016)}: expected a complete xlsx workbook, got a truncated or corrupt zip (no end-of-central-directory record)\n`);
    expect(warehouseFiles(out)).toEqual(before);
  });
});

describe('layout problems: refused, warehouse untouched', () => {
  it('the CLI prints a harmonize error as one line and exits 2', () => {
    editSheet(YB(2016), '2-7 综合经济', (ws) => { ws[`A${rowOf(ws, '石家庄')}`] = { t: 's', v: '火星' }; });
    const r = runCli(['--raw', raw, '--out', out]);
    expect(r.status).toBe(2);
    // every unit that cannot be placed, listed in one line (here one): file, sheet, cell, the name as printed
    expect(r.stderr).toMatch(new RegExp(`^error: 1 printed unit the project cannot place.*${YB(2016)}.*2-7 综合经济.*B\\d+.*火星.*\\n$`));
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(warehouseFiles(out)).toEqual(before);
  });

  it('an empty sheet', async () => {
    editWorkbook(path(YB(2016)), (wb) => { wb.Sheets['2-20 教育'] = XLSX.utils.aoa_to_sheet([]); });
    expect(await refused()).toBe(`ingest: file ${YB(2016)}, sheet 2-20 教育: expected a yearbook table, got an empty sheet`);
  });

  it('a missing sheet', async () => {
    editWorkbook(path(YB(2016)), (wb) => {
      delete wb.Sheets['2-20 教育'];
      wb.SheetNames = wb.SheetNames.filter((n) => n !== '2-20 教育');
    });
    expect(await refused()).toMatch(new RegExp(`^ingest: file ${YB(2016)}: expected a sheet '2-20 教育' \\(source 'yearbook-education'\\), the workbook has: '2-1 人口与土地', `));
  });

  it('a units row with a unit that cannot be converted', async () => {
    editSheet(YB(2016), '2-7 综合经济', (ws) => { ws.D5 = { t: 's', v: '（千美元）' }; });
    expect(await refused()).toMatch(new RegExp(`^ingest: file ${YB(2016)}, sheet 2-7 综合经济, cell D5: expected a unit convertible to 万元 .*'千美元'`));
  });

  it('a formula cell without a cached value', async () => {
    editSheet(YB(2016), '2-7 综合经济', (ws) => {
      const r = rowOf(ws, '石家庄');
      ws[`D${r}`] = { t: 'n', f: `B${r}*0.1` } as XLSX.CellObject;
    });
    const msg = await refused();
    expect(msg).toMatch(new RegExp(`^ingest: file ${YB(2016)}, sheet 2-7 综合经济, cell D\\d+: .*formula without cached value`));
  });

  it('a year outside the panel (an EPS year column 2031)', async () => {
    editSheet(PATENTS, '专利授权数', (ws) => { ws.N6 = { t: 's', v: '2031' }; });
    expect(await refused()).toBe(
      `ingest: file ${PATENTS}, sheet 专利授权数, cell N6: expected a data year within the registry range 2011–2023 of source 'eps-patents-granted', got 2031`);
  });

  it('a yearbook edition outside the registry range (file name)', async () => {
    copyFileSync(join(raw, YB(2016)), path(YB(2031)));
    expect(await refused()).toBe(
      `ingest: file ${YB(2031)}: expected a data year within the registry range 2011–2023 of source 'yearbook-population-land', the file name says edition 2031 (data year 2030)`);
  });
});

describe('structure checks: refused, warehouse untouched', () => {
  /** The vendor CSV as lines (UTF-8 with BOM, CRLF), one line changed by `edit`; returns that line's number. */
  const editCsvLine = (find: RegExp, edit: (line: string) => string): number => {
    const lines = readFileSync(path(VENDOR), 'utf8').split('\r\n');
    const i = lines.findIndex((l) => find.test(l));
    lines[i] = edit(lines[i]);
    writeFileSync(path(VENDOR), lines.join('\r\n'));
    return i + 1;
  };

  it('a CSV row with more fields than the header (an unquoted 1,101) names the line', async () => {
    const line = editCsvLine(/^110000,北京市,北京市,2012,\d+,/, (l) => l.replace(/,2012,\d+,/, ',2012,1,101,'));
    expect(await refused()).toBe(
      `ingest: file ${VENDOR}, cell line ${line}: expected 6 fields as in the header (line 1), got 7: an unquoted comma inside a field, e.g. a number written 1,101?`);
  });

  it('a CSV row with fewer fields than the header names the line', async () => {
    const line = editCsvLine(/^130100,石家庄市,河北省,2015,/, (l) => l.replace(/,工商注册$/, ''));
    expect(await refused()).toBe(
      `ingest: file ${VENDOR}, cell line ${line}: expected 6 fields as in the header (line 1), got 5: a short or truncated line?`);
  });

  it('an EPS year header shifted by one (2012–2023 over the data of 2011–2022): names the header and the editions', async () => {
    editSheet(PATENTS, '专利授权数', (ws) => {
      for (const [a, c] of cells(ws)) if (/^[C-Z]6$/.test(a) && typeof c.v === 'number') ws[a] = { t: 'n', v: c.v + 1 };
    });
    expect(await refused()).toBe(
      `ingest: file ${PATENTS}, sheet 专利授权数, cell C6: expected the year columns to line up with the data years of the dated files, 2011 (${YB(2012)}) to 2022 (${YB(2023)}); the header runs 2012–2023: shifted by +1 year?`);
  });

  it('two yearbook editions swapped: the title year of the sheets names both editions', async () => {
    const a = readFileSync(path(YB(2016)));
    writeFileSync(path(YB(2016)), readFileSync(path(YB(2017))));
    writeFileSync(path(YB(2017)), a);
    expect(await refused()).toBe(
      `ingest: file ${YB(2016)}, sheet 2-1 人口与土地, cell A2: expected the data year 2015 of edition 2016 (the file name) in the title, the title says 2016 ('Population and Land Area (2016)'), the data year of edition 2017: editions swapped or the file misnamed?`);
  });

  it('a second visible sheet whose name differs only in spaces from the registered one', async () => {
    editWorkbook(path(YB(2016)), (wb) => {
      XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['城市', '地区生产总值']]), '2-7综合经济');
    });
    expect(await refused()).toBe(
      `ingest: file ${YB(2016)}: expected one sheet '2-7 综合经济' (source 'yearbook-economy'), found 2 whose names differ only in spaces or brackets: '2-7 综合经济', '2-7综合经济'; remove or rename all but one`);
  });

  it('the registered sheet only as a hidden sheet', async () => {
    editWorkbook(path(YB(2016)), (wb) => XLSX.utils.book_set_sheet_visibility(wb, '2-20 教育', 1));
    expect(await refused()).toBe(
      `ingest: file ${YB(2016)}, sheet 2-20 教育: expected a visible sheet '2-20 教育' (source 'yearbook-education'), the only match is hidden (hidden sheets are never read: unhide it if it is the current table)`);
  });

  it('cells merged vertically inside the data block name the range', async () => {
    let range = '';
    editSheet(YB(2016), '2-7 综合经济', (ws) => {
      const r = rowOf(ws, '石家庄');
      range = `B${r}:B${r + 1}`;
      ws['!merges'] = [...(ws['!merges'] ?? []), XLSX.utils.decode_range(range)];
    });
    expect(await refused()).toBe(
      `ingest: file ${YB(2016)}, sheet 2-7 综合经济, cell ${range}: expected one value per cell in the data block, got merged cells (a merged cell is read as one value and empty cells): unmerge them and fill every cell`);
  });
});

describe('bad values: refused, warehouse untouched', () => {
  it('a negative count', async () => {
    editSheet(PATENTS, '专利授权数', (ws) => { ws.E9 = { t: 'n', v: -5 }; });
    expect(await refused()).toMatch(new RegExp(`^ingest: file ${PATENTS}, sheet 专利授权数, cell E9: expected a non-negative .*got -5`));
  });

  it('text in a numeric cell', async () => {
    editSheet(YB(2016), '2-12 财政', (ws) => { ws[`B${rowOf(ws, '石家庄')}`] = { t: 's', v: 'n/a' }; });
    expect(await refused()).toMatch(new RegExp(`^ingest: file ${YB(2016)}, sheet 2-12 财政, cell B\\d+: expected a number or a missing marker`));
  });

  it('a duplicated city-year', async () => {
    let cell = '';
    editSheet(YB(2016), '2-7 综合经济', (ws) => {
      const r = rowOf(ws, '唐山');
      ws[`A${r}`] = { t: 's', v: '石家庄' };
      cell = `B${r}`;
    });
    expect(await refused()).toMatch(new RegExp(`^ingest: file ${YB(2016)}, sheet 2-7 综合经济, cell ${cell}: expected one value per region-year, got a duplicate: 石家庄 2015 gdp 全市 is already at 2-7 综合经济!B\\d+`));
  });

  it('an unknown city', async () => {
    editSheet(YB(2016), '2-7 综合经济', (ws) => { ws[`A${rowOf(ws, '石家庄')}`] = { t: 's', v: '火星' }; });
    const msg = await refused();
    expect(msg).toMatch(new RegExp(`file ${YB(2016)}, sheet 2-7 综合经济, cell B\\d+.*火星`));
  });

  it('a renamed city without a crosswalk entry (yearbook: a name and no code)', async () => {
    editSheet(YB(2016), '2-7 综合经济', (ws) => { ws[`A${rowOf(ws, '石家庄')}`] = { t: 's', v: '石门' }; });
    const msg = await refused();
    expect(msg).toMatch(new RegExp(`file ${YB(2016)}, sheet 2-7 综合经济, cell B\\d+.*石门`));
  });

  it('sheet or cell content __proto__ / constructor: refused as an unknown city, no prototype pollution', async () => {
    editSheet(YB(2016), '2-7 综合经济', (ws) => { ws[`A${rowOf(ws, '石家庄')}`] = { t: 's', v: '__proto__' }; });
    const msg = await refused();
    expect(msg).toMatch(/__proto__/);
    noPollution();
  });
});

describe('accepted by design: converted, the panel equals the uncorrupted build', () => {
  // One build with a differently corrupted file per case (each file carries one case), into a copy of the
  // baseline warehouse folder.
  let accOut: string;
  let run: RunRecord;
  let error: Error | undefined;
  const orig: Record<string, number> = {};
  const at: Record<string, { file: string; sheet: string; cell: string }> = {};

  beforeAll(async () => {
    accOut = mkdtempSync(join(tmpdir(), 'bad-accepted-'));
    cpSync(out, accOut, { recursive: true });
    // 1. units row 万元 → 亿元 with the values divided by 10,000 (edition 2017 = data year 2016)
    editSheet(YB(2017), '2-7 综合经济', (ws) => {
      const r = rowOf(ws, '北京');
      orig.yi = ws[`B${r}`].v as number;
      at.yi = { file: YB(2017), sheet: '2-7 综合经济', cell: `B${r}` };
      for (const [a, c] of cells(ws)) {
        if (!/^[BC]\d+$/.test(a)) continue;
        const n = typeof c.v === 'number' ? c.v : Number(String(c.v).replace(/[,\s]/g, ''));
        if (a === 'B5' || a === 'C5') ws[a] = { t: 's', v: '（亿元）' };
        else if (Number(a.slice(1)) > 5 && String(c.v).trim() !== '' && Number.isFinite(n)) ws[a] = { t: 'n', v: n / 10_000 };
      }
    });
    // 2. thousands separators (text cells "1,234,567")
    editSheet(YB(2018), '2-12 财政', (ws) => {
      const r = rowOf(ws, '北京');
      orig.thousands = ws[`B${r}`].v as number;
      at.thousands = { file: YB(2018), sheet: '2-12 财政', cell: `B${r}` };
      for (const [a, c] of cells(ws)) {
        if (/^[B-Z]\d+$/.test(a) && Number(a.slice(1)) > 5 && c.t === 'n') ws[a] = { t: 's', v: (c.v as number).toLocaleString('en-US', { maximumFractionDigits: 20 }) };
      }
    });
    // 3. full-width digits (text cells "１２３４")
    editSheet(YB(2019), '2-20 教育', (ws) => {
      const r = rowOf(ws, '北京');
      orig.fullwidth = ws[`B${r}`].v as number;
      at.fullwidth = { file: YB(2019), sheet: '2-20 教育', cell: `B${r}` };
      for (const [a, c] of cells(ws)) {
        if (/^[B-Z]\d+$/.test(a) && Number(a.slice(1)) > 5 && c.t === 'n') {
          ws[a] = { t: 's', v: String(c.v).replace(/[0-9.]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)) };
        }
      }
    });
    // 4. formula cells with their cached values
    editSheet(YB(2020), '2-1 人口与土地', (ws) => {
      const r = rowOf(ws, '北京');
      orig.formula = ws[`B${r}`].v as number;
      at.formula = { file: YB(2020), sheet: '2-1 人口与土地', cell: `B${r}` };
      for (const [a, c] of cells(ws)) if (/^[B-Z]\d+$/.test(a) && Number(a.slice(1)) > 5 && c.t === 'n') c.f = `${c.v}+0`;
    });
    // 5. header rows shifted down by one (an extra title row above the table)
    editSheet(YB(2021), '2-28 邮电通信', (ws) => {
      const aoa = XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1, raw: true, defval: null });
      const shifted = XLSX.utils.aoa_to_sheet([['（续表）'], ...aoa]);
      shifted['!merges'] = (ws['!merges'] ?? []).map((m) => ({ s: { c: m.s.c, r: m.s.r + 1 }, e: { c: m.e.c, r: m.e.r + 1 } }));
      for (const k of Object.keys(ws)) delete ws[k];
      Object.assign(ws, shifted);
      const r = rowOf(ws, '北京');
      orig.shifted = ws[`B${r}`].v as number;
      at.shifted = { file: YB(2021), sheet: '2-28 邮电通信', cell: `B${r}` };
    });
    // 6. unexpected extra columns, an extra sheet named __proto__ and cells 'constructor' / '__proto__'
    editWorkbook(path(YB(2022)), (wb) => {
      const ws = wb.Sheets['2-7 综合经济'];
      const range = XLSX.utils.decode_range(ws['!ref']!);
      const extra = XLSX.utils.encode_col(range.e.c + 1);
      ws[`${extra}3`] = { t: 's', v: 'constructor' };
      ws[`${extra}4`] = { t: 's', v: '__proto__' };
      ws[`${extra}5`] = { t: 's', v: '（万元）' };
      for (let r = 6; r <= range.e.r + 1; r++) ws[`${extra}${r}`] = { t: 'n', v: r };
      range.e.c += 1;
      ws['!ref'] = XLSX.utils.encode_range(range);
      const r = rowOf(ws, '北京');
      orig.extra = ws[`B${r}`].v as number;
      at.extra = { file: YB(2022), sheet: '2-7 综合经济', cell: `B${r}` };
      XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['__proto__', 'constructor'], ['polluted', 1]]), '__proto__');
    });
    // 7. a city renamed in an EPS export, its code known: the code decides (mapping 'code')
    editSheet(PATENTS, '专利授权数', (ws) => {
      const [addr] = cells(ws).find(([a, c]) => /^B\d+$/.test(a) && c.v === '石家庄市')!;
      ws[addr] = { t: 's', v: '石门市' };
      at.renamed = { file: PATENTS, sheet: '专利授权数', cell: `C${addr.slice(1)}` };
    });
    // 8. an EPS export with an extra column after the years
    editSheet(EXPRESS, '快递业务量', (ws) => {
      const range = XLSX.utils.decode_range(ws['!ref']!);
      const extra = XLSX.utils.encode_col(range.e.c + 1);
      ws[`${extra}6`] = { t: 's', v: '备注' };
      ws[`${extra}7`] = { t: 's', v: '口径调整' };
      range.e.c += 1;
      ws['!ref'] = XLSX.utils.encode_range(range);
    });
    // 9. the vendor CSV in GBK (no BOM) with an extra column
    const csv = readFileSync(path(VENDOR), 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.split(/\r?\n/);
    const withExtra = lines.map((l, i) => (l === '' ? l : `${l},${i === 0 ? '备注' : '无'}`)).join('\n');
    writeFileSync(path(VENDOR), encodeGbk(withExtra));
    // 10. a hidden stale copy of a table next to the current one, its name differing in spaces: never read
    editWorkbook(path(YB(2014)), (wb) => {
      const stale = XLSX.utils.aoa_to_sheet(XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets['2-7 综合经济'], { header: 1, raw: true, defval: null })
        .map((row) => row.map((v) => (typeof v === 'number' ? v * 2 : v))));
      XLSX.utils.book_append_sheet(wb, stale, '2-7  综合经济');
      XLSX.utils.book_set_sheet_visibility(wb, '2-7  综合经济', 1);
    });
    try {
      run = await runPipeline({ rawDir: raw, outDir: accOut, log: () => {} });
    } catch (e) {
      error = e as Error;
    }
    // put the bundled files back for the cases below
    for (const f of touched) copyFileSync(join(SAMPLE_RAW, f), join(raw, f));
    touched.clear();
  });

  afterAll(() => {
    if (accOut) rmSync(accOut, { recursive: true, force: true });
  });

  /** The accepted build ran and wrote accOut: without it, accOut is a copy of the baseline and every check below
   *  would pass on the baseline's values. */
  const built = () => {
    expect(error?.message).toBeUndefined();
    expect(run.stages.at(-1)).toMatchObject({ stage: 'warehouse', status: 'ran' });
  };

  const staged = async (key: string) => {
    built();
    const { file, sheet, cell } = at[key];
    const rows = await queryWarehouse<{ value: number; unit: string; city_code: string; indicator: string; year: number }>(accOut,
      `SELECT value, unit, city_code, indicator, year FROM w.stg_values WHERE file = ${sqlString(file)} AND sheet = ${sqlString(sheet)} AND cell = ${sqlString(cell)}`);
    expect(rows).toHaveLength(1);
    return rows[0];
  };

  /** clean_values of the accepted build against the baseline's: same rows, same values (relative 1e-12). */
  const cleanMatchesBaseline = async () => {
    built();
    const db = await StageDb.open();
    try {
      await db.run(`ATTACH ${sqlString(join(out, 'warehouse.duckdb'))} AS b (READ_ONLY)`);
      await db.run(`ATTACH ${sqlString(join(accOut, 'warehouse.duckdb'))} AS a (READ_ONLY)`);
      const [r] = await db.rows<{ na: bigint; nb: bigint; joined: bigint; worst: number | null }>(`
        SELECT (SELECT count(*) FROM a.clean_values) na, (SELECT count(*) FROM b.clean_values) nb, count(*) joined,
               max(abs(a.value - b.value) / greatest(abs(b.value), 1e-300)) worst
        FROM a.clean_values a JOIN b.clean_values b USING (city_code, year, indicator)
        WHERE a.method = b.method AND (a.value IS NULL) = (b.value IS NULL)`);
      expect(Number(r.na)).toBe(Number(r.nb));
      expect(Number(r.joined)).toBe(Number(r.nb));
      expect(r.worst ?? 0).toBeLessThan(1e-12);
    } finally {
      db.close();
    }
  };

  it('the build with every accepted corruption succeeds', () => {
    expect(error?.message).toBeUndefined();
    expect(run.status).toBe('success');
    noPollution();
  });

  it('units row 亿元 instead of 万元: staged as printed, converted to 万元 in clean_values', async () => {
    const v = await staged('yi');
    expect(v.unit).toBe('亿元');
    expect(v.value).toBeCloseTo(orig.yi / 10_000, 9);
    const [c] = await queryWarehouse<{ value: number }>(accOut,
      `SELECT value FROM w.clean_values WHERE city_code = '${v.city_code}' AND year = ${v.year} AND indicator = '${v.indicator}'`);
    expect(c.value / orig.yi).toBeCloseTo(1, 12);
  });

  it('thousands separators and full-width digits are parsed', async () => {
    expect((await staged('thousands')).value).toBe(orig.thousands);
    expect((await staged('fullwidth')).value).toBe(orig.fullwidth);
  });

  it('formula cells: the cached value is used', async () => {
    expect((await staged('formula')).value).toBe(orig.formula);
  });

  it('header rows shifted by one: the header is found one row lower', async () => {
    const v = await staged('shifted');
    expect(v.value).toBe(orig.shifted);
  });

  it('extra columns and an extra sheet (named __proto__) are ignored', async () => {
    built();
    expect((await staged('extra')).value).toBe(orig.extra);
    const [r] = await queryWarehouse<{ n: bigint }>(accOut, `SELECT count(*) n FROM w.stg_values WHERE sheet = '__proto__' OR name_raw IN ('__proto__', 'constructor')`);
    expect(Number(r.n)).toBe(0);
  });

  it('a hidden stale copy of a table is not read: the visible sheet is', async () => {
    built();
    const rows = await queryWarehouse<{ sheet: string; n: bigint }>(accOut,
      `SELECT sheet, count(*) n FROM w.stg_values WHERE file = '${YB(2014)}' AND indicator = 'gdp' GROUP BY sheet`);
    expect(rows.map((r) => r.sheet)).toEqual(['2-7 综合经济']);
    // and its values are those of the uncorrupted build
    const q = `SELECT count(*) n, sum(hash(cell, value, city_code, year)) h FROM w.stg_values WHERE file = '${YB(2014)}'`;
    const [a] = await queryWarehouse<{ n: bigint; h: bigint }>(accOut, q);
    const [b] = await queryWarehouse<{ n: bigint; h: bigint }>(out, q);
    expect(a).toEqual(b);
  });

  it('an extra column in an EPS export is ignored', async () => {
    built();
    const q = `SELECT count(*) n, sum(hash(cell, value, city_code, year)) h FROM w.stg_values WHERE file = '${EXPRESS}'`;
    const [a] = await queryWarehouse<{ n: bigint; h: bigint }>(accOut, q);
    const [b] = await queryWarehouse<{ n: bigint; h: bigint }>(out, q);
    expect(Number(a.n)).toBeGreaterThan(3000);
    expect(a).toEqual(b);
  });

  it('a renamed city whose code is known: mapped by its code (no crosswalk entry needed)', async () => {
    built();
    const { file, sheet, cell } = at.renamed;
    const rows = await queryWarehouse<{ name_raw: string; city_code: string; mapping: string }>(accOut,
      `SELECT name_raw, city_code, mapping FROM w.stg_values WHERE file = ${sqlString(file)} AND sheet = ${sqlString(sheet)} AND cell = ${sqlString(cell)}`);
    expect(rows).toEqual([{ name_raw: '石门市', city_code: '130100', mapping: 'code' }]);
  });

  it('a GBK CSV is decoded (and the bundled CSV starts with a UTF-8 BOM, also accepted)', async () => {
    built();
    expect(readFileSync(join(SAMPLE_RAW, VENDOR)).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = await queryWarehouse<{ name_raw: string; value: number }>(accOut,
      `SELECT name_raw, value FROM w.stg_values WHERE file = '${VENDOR}' AND code_raw = '110000' AND year = 2011`);
    expect(rows).toEqual([{ name_raw: '北京市', value: 290 }]);
  });

  it('the converted values equal the uncorrupted build: clean_values within 1e-12, same panel shape', async () => {
    await cleanMatchesBaseline();
    const p = await panelHash(accOut);
    expect(p.rows).toBe(baselinePanel.rows);
  });

  it('the accepted build left the first warehouse untouched (separate folder)', () => {
    expect(warehouseFiles(out)).toEqual(before);
  });
});

describe('unit slips: flagged in quality_unit_slips with the raw cell; an error under unitSlips \'error\'', () => {
  // One build (into a copy of the baseline folder) with a whole year's population typed in 人 under the 万人 units
  // row (edition 2016 = data year 2015), and 北京's row of the economy sheet typed in 亿元 under 万元 (edition 2018
  // = data year 2017); then the same files under unitSlips: 'error'. (北京's GDP cell alone in 亿元 would already stop
  // the run at the transform stage's range test: its secondary share would exceed 1.)
  let slipOut: string;
  let run: RunRecord | undefined;
  let error: Error | undefined;
  let strictError: Error | undefined;
  let afterWarn: Record<string, string | null>;
  const at: Record<string, string> = {};
  const num = (v: unknown) => (typeof v === 'number' ? v : Number(String(v).normalize('NFKC').replace(/[,\s]/g, '')));

  beforeAll(async () => {
    slipOut = mkdtempSync(join(tmpdir(), 'bad-slips-'));
    cpSync(out, slipOut, { recursive: true });
    editSheet(YB(2016), '2-1 人口与土地', (ws) => {
      at.shijiazhuang = `B${rowOf(ws, '石家庄')}`;
      for (const [a, c] of cells(ws)) {
        // population: 全市 (B) and 市辖区 (C); the units row (5) still says 万人
        if (/^[BC]\d+$/.test(a) && Number(a.slice(1)) > 5 && String(c.v).trim() !== '' && Number.isFinite(num(c.v))) ws[a] = { t: 'n', v: num(c.v) * 10_000 };
      }
    });
    editSheet(YB(2018), '2-7 综合经济', (ws) => {
      const r = rowOf(ws, '北京');
      at.beijing = `${r}`;
      for (const col of 'BCDEF') ws[`${col}${r}`] = { t: 'n', v: num(ws[`${col}${r}`].v) / 10_000 };
    });
    try {
      run = await runPipeline({ rawDir: raw, outDir: slipOut, log: () => {} });
    } catch (e) {
      error = e as Error;
    }
    afterWarn = warehouseFiles(slipOut);
    try {
      await runPipeline({ rawDir: raw, outDir: slipOut, settings: { unitSlips: 'error' }, log: () => {} });
    } catch (e) {
      strictError = e as Error;
    }
    for (const f of touched) copyFileSync(join(SAMPLE_RAW, f), join(raw, f));
    touched.clear();
  });

  afterAll(() => {
    if (slipOut) rmSync(slipOut, { recursive: true, force: true });
  });

  const slips = async (where: string) => {
    expect(error?.message).toBeUndefined();
    expect(run!.status).toBe('success');
    return queryWarehouse<{ city_code: string; year: number; indicator: string; power_of_ten: number; file: string; sheet: string; cell: string }>(slipOut,
      `SELECT city_code, year, indicator, power_of_ten, file, sheet, cell FROM w.quality_unit_slips WHERE ${where} ORDER BY indicator, city_code`);
  };

  it('warn (default): the build succeeds and the clean stage\'s line counts the slips', () => {
    expect(error?.message).toBeUndefined();
    const clean = run!.stages.find((s) => s.stage === 'clean')!;
    expect(clean.report!.detail).toMatch(/; \d+ possible unit slips \(quality_unit_slips\)/);
    expect(clean.data_tests.find((t) => t.name === 'clean_unit_slips')).toMatchObject({ status: 'warn' });
  });

  it('a whole year of population in 人 under 万人: every city of that year, 10^4 off, at its cell of the edition', async () => {
    const rows = await slips("indicator = 'population'");
    expect(rows.length).toBeGreaterThan(250);
    expect(rows.every((r) => r.year === 2015 && r.power_of_ten === 4 && r.file === YB(2016) && r.sheet === '2-1 人口与土地' && /^B\d+$/.test(r.cell))).toBe(true);
    expect(rows.find((r) => r.city_code === '130100')).toMatchObject({ cell: at.shijiazhuang });
  });

  it('one city\'s GDP row in 亿元 under 万元: its four GDP cells, 10^-4 off', async () => {
    const rows = await slips("indicator LIKE 'gdp%'");
    expect(rows.map((r) => [r.indicator, r.city_code, r.year, r.power_of_ten, r.file, r.sheet, r.cell])).toEqual([
      ['gdp', '110000', 2017, -4, YB(2018), '2-7 综合经济', `B${at.beijing}`],
      ['gdp_primary', '110000', 2017, -4, YB(2018), '2-7 综合经济', `D${at.beijing}`],
      ['gdp_secondary', '110000', 2017, -4, YB(2018), '2-7 综合经济', `E${at.beijing}`],
      ['gdp_tertiary', '110000', 2017, -4, YB(2018), '2-7 综合经济', `F${at.beijing}`],
    ]);
  });

  it('unitSlips: \'error\' stops the run at the first slip, naming its cell; the warehouse stays as it was', () => {
    expect(strictError?.message).toMatch(new RegExp(
      `^file ${YB(2018)}, sheet 2-7 综合经济, cell B${at.beijing}, variable gdp: expected a value near \\d+ \\(its series within two years\\), found [\\d.]+: 10\\^-4 off, a unit slip\\?`));
    expect(strictError!.message).not.toMatch(/[\r\n]/);
    expect(warehouseFiles(slipOut)).toEqual(afterWarn);
    expect(JSON.parse(readFileSync(join(slipOut, 'run_results.json'), 'utf8'))).toMatchObject({ status: 'failed', error: strictError!.message });
  });
});
