// `explain` on the sample warehouse. The numbers it shows are checked independently: each raw cell it names is
// looked up in stg_values, and the panel value is recomputed here from the cells it printed.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateWarehouse, runScript, stderrLines } from './helpers.ts';

let warehouse: string;
let db: DuckDBInstance;
let con: DuckDBConnection;
beforeAll(async () => {
  warehouse = await privateWarehouse();
  db = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
  con = await db.connect();
});
afterAll(() => {
  con?.closeSync();
  db?.closeSync();
});

const explain = (...args: string[]) => runScript('cli/explain.ts', ['--warehouse', warehouse, ...args]);
const rows = async <T>(sql: string, params: Array<string | number> = []) => (await con.runAndReadAll(sql, params)).getRowObjectsJS() as T[];
const panelValue = async (city: string, year: number, column: string) =>
  Number((await rows<{ v: number }>(`SELECT "${column}" AS v FROM panel WHERE city_code = ? AND year = ?`, [city, year]))[0].v);

interface ShownCell { indent: number; file: string; sheet: string; cell: string; who: string; value: number; unit: string; scope: string | undefined; used: boolean }

/** The raw cells an explanation prints: "file F, sheet S, cell C (who): 67881 人, scope 全市 → 67881 人". */
function shownCells(text: string): ShownCell[] {
  const out: ShownCell[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\s*)file (.+?), sheet (.+?), cell ([A-Z]+\d+) \((.+?)\): (-?[\d.]+(?:e[+-]?\d+)?) (\S+?)(?:, scope (\S+))?(?: |$)(.*)$/.exec(line);
    if (m) out.push({ indent: m[1].length, file: m[2], sheet: m[3], cell: m[4], who: m[5], value: Number(m[6]), unit: m[7], scope: m[8], used: !m[9].includes('not used') });
  }
  return out;
}

/** The cells printed under an indicator's heading (up to the next heading at the same depth). */
function cellsOf(text: string, indicator: string): ShownCell[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trimStart().startsWith(`${indicator} (`));
  expect(start, `a heading for ${indicator}`).toBeGreaterThanOrEqual(0);
  const depth = lines[start].length - lines[start].trimStart().length;
  const end = lines.findIndex((l, i) => i > start && l.trim() !== '' && l.length - l.trimStart().length <= depth);
  return shownCells(lines.slice(start + 1, end < 0 ? undefined : end).join('\n'));
}

/** Every shown cell is a real stg_values row with the value and unit shown. */
async function expectCellsInStaging(cells: ShownCell[]): Promise<void> {
  for (const c of cells) {
    const [row] = await rows<{ value: number; unit: string; scope: string | null }>(
      'SELECT value, unit, scope FROM stg_values WHERE file = ? AND sheet = ? AND cell = ?', [c.file, c.sheet, c.cell]);
    expect(row, `${c.file} ${c.sheet}!${c.cell}`).toBeDefined();
    expect(row.value).toBe(c.value);
    expect(row.unit).toBe(c.unit);
    expect(row.scope ?? undefined).toBe(c.scope);
  }
}

// the conversions these cases meet, written out here rather than taken from the project's table
const FACTOR: Record<string, number> = { '万元→万元': 1, '亿元→万元': 1e4, '人→人': 1, '万人→万人': 1, '人→万人': 1e-4, '万户→万户': 1 };
const usedSum = (cells: ShownCell[], canonical: string) =>
  cells.filter((c) => c.used).reduce((s, c) => s + c.value * FACTOR[`${c.unit}→${canonical}`], 0);

describe('explain CITY YEAR VAR', () => {
  it('a merged city: 济南 2015 adds 莱芜; Huc = ln(students / population) recomputed from the cells shown', async () => {
    const r = explain('济南', '2015', 'Huc');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('formula: Huc_level = students / population');
    const students = cellsOf(r.stdout, 'students');
    const population = cellsOf(r.stdout, 'population');
    await expectCellsInStaging([...students, ...population]);
    // 济南 itself and its merged predecessor 莱芜, whole-city scope; the 市辖区 rows are shown and not used
    expect(students.filter((c) => c.used).map((c) => c.who.split(',')[0])).toEqual(['济南', '莱芜']);
    expect(students.find((c) => c.who.startsWith('莱芜'))!.who).toContain('merged predecessor');
    expect(population.filter((c) => !c.used).every((c) => c.scope === '市辖区')).toBe(true);
    expect(population.filter((c) => c.used)).toHaveLength(2);
    const huc = Math.log(usedSum(students, '人') / usedSum(population, '万人'));
    expect(huc).toBeCloseTo(await panelValue('370100', 2015, 'Huc'), 12);
    expect(r.stdout).toContain(`value: Huc = ${await panelValue('370100', 2015, 'Huc')} (panel)`);
    // from 2019 莱芜 is part of 济南 in the sources themselves: no merged part
    const later = explain('370100', '2019', 'Huc');
    expect(later.status, later.stderr).toBe(0);
    expect(later.stdout).not.toContain('莱芜');
  });

  it('a value converted from 亿元: 北京 2014 Edu = ln((edu_exp + sci_exp) × 10^4)', async () => {
    const r = explain('北京', '2014', 'Edu');
    expect(r.status, r.stderr).toBe(0);
    const edu = cellsOf(r.stdout, 'edu_exp');
    const sci = cellsOf(r.stdout, 'sci_exp');
    await expectCellsInStaging([...edu, ...sci]);
    expect([...edu, ...sci].map((c) => c.unit)).toEqual(['亿元', '亿元']);
    expect(r.stdout).toContain('× 10^4 (亿元 → 万元)');
    const level = (edu[0].value + sci[0].value) * 1e4;
    expect(level).toBeCloseTo(await panelValue('110000', 2014, 'Edu_level'), 4);
    expect(Math.log(level)).toBeCloseTo(await panelValue('110000', 2014, 'Edu'), 12);
  });

  it('an imputed value: 苏州 2016 broadband users interpolated from 2015 and 2017, IV recomputed', async () => {
    const [imputation] = await rows<{ method: string; from_year: number; to_year: number }>(
      "SELECT method, from_year, to_year FROM quality_imputations WHERE city_code = '320500' AND year = 2016 AND indicator = 'broadband_users'");
    expect(imputation).toEqual({ method: 'interpolated', from_year: 2015, to_year: 2017 });
    const r = explain('苏州', '2016', 'IV');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('imputed: interpolated between 2015 and 2017');
    const broadband = cellsOf(r.stdout, 'broadband_users');
    await expectCellsInStaging(broadband);
    // the two years it was made from, each with its cell (the 2016 cell is printed missing)
    expect(broadband.map((c) => c.file)).toEqual(['yearbook/中国城市统计年鉴2016.xlsx', 'yearbook/中国城市统计年鉴2018.xlsx']);
    const interpolated = (broadband[0].value + broadband[1].value) / 2;
    const population = cellsOf(r.stdout, 'population').filter((c) => c.used);
    expect(interpolated / usedSum(population, '万人')).toBeCloseTo(await panelValue('320500', 2016, 'IV'), 12);
  });

  it('a winsorized copy that was clipped names the bound', async () => {
    const [top] = await rows<{ city_code: string; year: number; AI: number; AI_w: number; high: number }>(
      'SELECT city_code, year, AI, AI_w, (SELECT max(AI_w) FROM panel) AS high FROM panel ORDER BY AI DESC LIMIT 1');
    expect(top.AI).toBeGreaterThan(top.AI_w);
    const r = explain(top.city_code, String(top.year), 'AI_w');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`AI_w = ${top.AI_w}: AI clipped down to the upper bound of the panel's 1%/99% points`);
    expect(r.stdout).toContain(`, ${top.high}]`);
    expect(r.stdout).toContain(`AI = ln(`);
  });

  it('a heterogeneity group: the level against the split rule’s cut', async () => {
    const [x] = await rows<{ level: number; cut: number; high: number }>(
      "SELECT DataRes_level AS level, (SELECT avg(DataRes_level) FROM panel) AS cut, high_data_resources AS high FROM panel WHERE city_code = '370100' AND year = 2015");
    const r = explain('济南', '2015', 'high_data_resources');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("is above the mean of DataRes_level over the panel (split rule 'mean', meta_settings)");
    const m = /^(\S+) ([>≤]) (\S+) → ([01])$/m.exec(r.stdout)!;
    expect(Number(m[1])).toBe(x.level);
    expect(Number(m[3])).toBeCloseTo(x.cut, 9);
    expect(Number(m[4])).toBe(x.high);
    expect(x.high).toBe(x.level > x.cut ? 1 : 0);
  });

  it('refuses with one line: a dropped city (its raw gap as the reason), a merged predecessor, an unknown city or column', async () => {
    const dropped = explain('河池', '2015', 'Fis');
    expect(dropped.status).toBe(2);
    expect(stderrLines(dropped)).toEqual([
      'error: 河池 (451200) is not in the panel: dropped by the drop rule (budget_revenue missing in 2021,2022); see `npm run --silent query -- "SELECT * FROM drops"`']);
    expect(stderrLines(explain('莱芜', '2015', 'Huc'))).toEqual(["error: '莱芜' is not a city of the panel: its values are merged into 济南 (370100); explain 济南 instead"]);
    const unknown = explain('济宁市x', '2015', 'Huc');
    expect(unknown.status).toBe(2);
    expect(stderrLines(unknown)[0]).toMatch(/^error: unknown city '济宁市x'.*closest: .*济宁/);
    expect(stderrLines(explain('济南', '2015', 'Hux'))).toEqual(["error: 'Hux' is not a column of the panel (closest: Huc); `npm run codebook` lists them"]);
    expect(stderrLines(explain('济南', '2031', 'Huc'))).toEqual(['error: 济南 (370100) has no panel row for 2031: the panel covers 2011–2022']);
  });

  it('the sample drops 26 cities and keeps 271, each reason naming the raw gap', async () => {
    const drops = await rows<{ city_name: string; reason: string }>('SELECT city_name, reason FROM quality_drops ORDER BY city_code');
    expect(drops).toHaveLength(26);
    expect(Number((await rows<{ n: bigint }>('SELECT count(DISTINCT city_code) AS n FROM panel'))[0].n)).toBe(271);
    const reason = Object.fromEntries(drops.map((d) => [d.city_name, d.reason]));
    // 2021 was carried from 2020, 2022 could not be (at most one year at an edge): the reason gives both
    expect(reason['河池']).toBe('budget_revenue missing in 2021,2022');
    expect(reason['来宾']).toBe('telecom_revenue missing in 2019,2020,2021,2022');
    expect(reason['定西']).toBe('telecom_revenue missing in 2020,2021,2022');
  });
});

describe('explain TABLE COLUMN TERM', () => {
  // a results folder whose tables.json holds known numbers: explain must show these, not recompute them
  const resultsDir = mkdtempSync(join(tmpdir(), 'explain-results-'));
  const cell = (estimate: number) => ({ estimate, se: 0.05, t: estimate / 0.05, p: 0.001 });
  writeFileSync(join(resultsDir, 'tables.json'), JSON.stringify({
    meta: { settings: { bootstrap: 50 } },
    table2_baseline: { columns: [1, 2, 3, 4, 5, 6].map((i) => ({ label: `(${i})`, obs: 3252, AI: cell(0.1 * i), dropped: { missing: 0, singletons: 0 } })) },
    table7_heterogeneity: { columns: ['east', 'central', 'west'].map((g, i) => ({ label: g, obs: [1200, 1200, 852][i], AI: cell(0.2 + i) })) },
  }));

  it('table2 col6 AI: the model, N, the SQL of its rows and the coefficient of tables.json', async () => {
    const r = explain('table2', 'col6', 'AI', '--results', resultsDir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('model: fixed-effects OLS (feols)');
    expect(r.stdout).toContain('  depvar: Inn');
    expect(r.stdout).toContain('  regressors: AI, Eco, Huc, Edu, Fis, Gov');
    expect(r.stdout).toContain('  fixed effects: city_code, year');
    expect(r.stdout).toContain('  standard errors: clustered by city (city_code) (vcov cluster:city_code)');
    expect(r.stdout).toContain('  sample filter (where): none: every panel row');
    expect(r.stdout).toContain('rows: N = 3252 city-years of 271 cities');
    expect(r.stdout).toContain(`AI: coefficient ${0.1 * 6}***, se 0.05`);
    // the id and the position name the same column
    expect(explain('table2_baseline', 'c6', 'AI', '--results', resultsDir).stdout).toBe(r.stdout);
  });

  it('a sample filter: the printed SQL selects exactly N rows', async () => {
    const r = explain('table7', 'west', 'AI', '--results', resultsDir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("  sample filter (where): region = 'west'");
    const lines = r.stdout.split('\n');
    const sql = lines[lines.findIndex((l) => l.startsWith('rows: N = ')) + 1].trim();
    expect(sql).toMatch(/^SELECT .* FROM panel WHERE region = 'west' ORDER BY city_code, year$/);
    const selected = (await rows(sql)).length;
    expect(selected).toBe(852);
    expect(r.stdout).toContain(`rows: N = ${selected} city-years of 71 cities`);
    expect(r.stdout).toContain('AI: coefficient 2.2***');
    expect(r.stdout).toContain("--where \"region = 'west'\"");
  });

  it('without results the model is still explained; bad tables, columns and terms are refused with one line', () => {
    const none = explain('table5', 'threshold_AI', 'regime1', '--results', join(resultsDir, 'nowhere'));
    expect(none.status, none.stderr).toBe(0);
    expect(none.stdout).toContain('standard errors: conventional (xthreg');
    expect(none.stdout).toContain('coefficient: not estimated yet');
    expect(stderrLines(explain('table9', 'c1', 'AI'))[0]).toMatch(/^error: unknown table 'table9' \(tables: table1 = table1_descriptives/);
    expect(stderrLines(explain('table2', 'col7', 'AI'))).toEqual(["error: table table2_baseline has no column 'col7' (by id: c1, c2, c3, c4, c5, c6; or by position col1…col6)"]);
    expect(stderrLines(explain('table2', 'c1', 'Eco', '--results', resultsDir))).toEqual(["error: column c1 of table2_baseline has no coefficient 'Eco' (terms: AI)"]);
  });
});
