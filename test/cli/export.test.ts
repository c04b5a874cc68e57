// `npm run export` end to end on a copy of the sample warehouse: each format holds the rows asked for, with the
// codebook; bad options are one line.
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { readDta } from '../../cli/export/dta.ts';
import { privateWarehouse, runScript, stderrLines } from './helpers.ts';

let warehouse: string;
let outDir: string;
beforeAll(async () => {
  warehouse = await privateWarehouse();
  outDir = mkdtempSync(join(tmpdir(), 'export-cli-'));
});

const exportCli = (...args: string[]) => runScript('cli/export.ts', ['--warehouse', warehouse, ...args]);

/** Rows of the warehouse for comparison, read by the test itself. */
async function warehouseRows(sql: string): Promise<Array<Record<string, unknown>>> {
  const db = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
  const con = await db.connect();
  try {
    return (await con.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

describe('export: Stata', () => {
  it('the selected rows and variables, labelled, value-labelled, xtset in the label, sorted by city and year', async () => {
    const out = join(outDir, 'east-central.dta');
    const r = exportCli('--format', 'dta', '--out', out, '--vars', 'region,AI,province,city_name,high_data_resources', '--years', '2011-2015', '--where', "region <> 'west'");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`export: 1000 rows, 7 variables → ${out} (Stata 118)\n`);
    const d = readDta(readFileSync(out));
    expect(d.variables.map((v) => v.name)).toEqual(['city_code', 'year', 'region', 'AI', 'province', 'city_name', 'high_data_resources']);
    expect(d.label).toBe('SYNTHETIC sample: city panel 2011-2015; xtset city_code year');
    expect(d.sortedBy).toEqual(['city_code', 'year']);
    const v = Object.fromEntries(d.variables.map((x) => [x.name, x]));
    expect(v.city_code.type).toBe('long');
    expect(v.year).toMatchObject({ type: 'int', label: 'year' });
    expect(v.AI).toMatchObject({ type: 'double', label: 'ln(AI enterprises) [家]' });
    expect(v.region).toMatchObject({ type: 'byte', valueLabel: 'region' });
    expect(new Set(v.region.values)).toEqual(new Set([1, 2]));
    expect(d.valueLabels.find((s) => s.name === 'region')!.entries).toEqual([{ value: 1, label: 'east' }, { value: 2, label: 'central' }, { value: 3, label: 'west' }]);
    expect(d.valueLabels.find((s) => s.name === 'province')!.entries).toContainEqual({ value: 32, label: '江苏' });
    expect(v.high_data_resources).toMatchObject({ valueLabel: 'lowhigh' });
    expect(v.high_data_resources.label).toMatch(/^1 = DataRes above the sample mean/);
    expect(d.characteristics).toContainEqual({ variable: 'AI', name: 'unit', value: '家' });
    // the same numbers as the warehouse
    const expected = await warehouseRows("SELECT city_code, year, AI, city_name FROM panel WHERE year BETWEEN 2011 AND 2015 AND region <> 'west' ORDER BY city_code, year");
    expect(v.AI.values).toEqual(expected.map((x) => x.AI));
    expect(v.city_name.values).toEqual(expected.map((x) => x.city_name));
    expect(v.city_code.values).toEqual(expected.map((x) => Number(x.city_code)));
    expect(readdirSync(outDir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('export: CSV, Excel, Parquet, Arrow', () => {
  it('CSV: Chinese text intact, --na and --bom', () => {
    const out = join(outDir, 'panel.csv');
    const r = exportCli('--out', out, '--vars', 'city_name,Inn', '--years', '2015', '--na', '.', '--bom');
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\ufeffcity_code,year,city_name,Inn\n110000,2015,北京,')).toBe(true);
    expect(text.trimEnd().split('\n')).toHaveLength(1 + 271);
  });

  it('Excel: a data sheet and a codebook sheet', () => {
    const out = join(outDir, 'panel.xlsx');
    const r = exportCli('--out', out, '--vars', 'region,Inn,Inn_w', '--where', "province = '江苏'");
    expect(r.status, r.stderr).toBe(0);
    const book = XLSX.read(readFileSync(out));
    expect(book.SheetNames).toEqual(['data', 'codebook']);
    const rows = XLSX.utils.sheet_to_json<Record<string, unknown>>(book.Sheets.data);
    expect(rows).toHaveLength(13 * 12);
    expect(rows[0]).toMatchObject({ city_code: '320100', year: 2011, region: 'east' });
    const codebook = XLSX.utils.sheet_to_json<Record<string, string>>(book.Sheets.codebook);
    expect(codebook.find((c) => c.variable === 'Inn_w')).toMatchObject({ label: 'ln(patents granted), winsorized at 1%/99%', unit: '件' });
  });

  it('Parquet (DuckDB) and Arrow (apache-arrow): the same rows, the codebook as metadata', async () => {
    const parquet = join(outDir, 'panel.parquet');
    const arrow = join(outDir, 'panel.arrow');
    expect(exportCli('--out', parquet, '--years', '2020-').status).toBe(0);
    expect(exportCli('--format', 'arrow', '--out', arrow, '--years', '2020-').status).toBe(0);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const [counts] = (await con.runAndReadAll(`SELECT count(*)::INT AS n, min(year) AS y, sum(AI) AS ai FROM read_parquet('${parquet}')`)).getRowObjectsJS();
    const kv = (await con.runAndReadAll(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${parquet}')`)).getRowObjectsJS();
    con.closeSync();
    db.closeSync();
    const [expected] = await warehouseRows('SELECT count(*)::INT AS n, sum(AI) AS ai FROM panel WHERE year >= 2020');
    expect(counts).toMatchObject({ n: expected.n, y: 2020 });
    expect(counts.ai).toBeCloseTo(expected.ai as number, 9);
    const codebook = JSON.parse(String(kv.find((x) => x.k === 'codebook')!.v));
    expect(codebook.find((c: { name: string }) => c.name === 'AI')).toMatchObject({ label: 'ln(AI enterprises)', unit: '家' });
    const table = tableFromIPC(readFileSync(arrow));
    expect(table.numRows).toBe(expected.n);
    expect(table.schema.fields.find((f) => f.name === 'Eco')!.metadata.get('unit')).toBe('万元/平方公里');
  });
});

describe('export: bad options are one line, exit code 2, nothing written', () => {
  it.each<[string, string[], RegExp]>([
    ['an unknown variable', ['--vars', 'AI,Innn'], /option '--vars' names 'Innn', which is not a column of the panel \(closest: Inn/],
    ['a year range backwards', ['--years', '2015-2011'], /option '--years <range>' argument '2015-2011' is invalid\. expected the first year not after the last/],
    ['a year range that is not one', ['--years', 'recent'], /option '--years <range>' argument 'recent' is invalid\. expected years like 2011-2015/],
    ['an empty selection', ['--years', '2030-2031'], /the selection is empty \(years 2030-2031\): no file written/],
    ['a --where that fails', ['--where', 'nope > 1'], /option '--where' value 'nope > 1' failed: .*nope/],
    ['a --where that reads a file', ['--where', "EXISTS (SELECT * FROM read_text('/etc/passwd'))"], /failed: .*disabled/],
    ['--na with dta', ['--format', 'dta', '--na', '.'], /option '--na' applies only to --format csv \(got --format dta\)/],
    ['an unknown format', ['--format', 'sav'], /option '--format <format>' argument 'sav' is invalid\. Allowed choices are dta, csv, xlsx, parquet, arrow/],
  ])('%s', (_name, args, message) => {
    const out = join(outDir, `bad-${_name.replace(/\W+/g, '-')}.dta`);
    const r = exportCli('--out', out, ...args);
    expect(r.status).toBe(2);
    expect(stderrLines(r)).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('an --out without a known extension needs --format; --out is required', () => {
    const r = exportCli('--out', join(outDir, 'panel.data'));
    expect(stderrLines(r)).toEqual([`error: option '--out' value '${join(outDir, 'panel.data')}' has no known extension; give --format (dta, csv, xlsx, parquet, arrow)`]);
    expect(r.status).toBe(2);
    const missing = exportCli('--format', 'csv');
    expect(missing.status).toBe(2);
    expect(stderrLines(missing)).toEqual(["error: required option '--out <file>' not specified"]);
  });
});
