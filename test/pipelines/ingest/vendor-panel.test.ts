// Issue 11, done when: the bundled sample's files plus an unedited vendor long panel (test/fixtures/exports: GDP and
// FDI 1990–2024, English names with codes, units in the header, a watermark trailer, a declared dimension of a
// million rows, a unit outside the city universe and one nobody can place), with the registry edited as README
// "Using your own exports" says, build the panel: outside units reported, years outside the panel counted, values
// converted exactly, the vendor's GDP compared with the yearbook's, FDI a panel column.
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRaw } from '../../../pipelines/ingest/check.ts';
import { defaultSettings } from '../../../schemas/settings.ts';
import { cli } from '../../helpers/cli.ts';
import { copySampleRaw, newOutDir, queryWarehouse, runCli } from '../../helpers/rebuild.ts';
import { sampleWarehouse } from '../../helpers/sample-warehouse.ts';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'exports', 'city_panel_1990_2024.xlsx');
const VENDOR = 'vendor/city_panel_1990_2024.xlsx';

let raw: string;
let out: string;
let sampleHash: string;
let sampleOut: string;

/** The registry edits of the README: the vendor file as a source, the yearbook's GDP first, FDI declared. */
function editRegistry(dir: string): void {
  const path = join(dir, 'sources.json');
  const registry = JSON.parse(readFileSync(path, 'utf8'));
  registry.extra_indicators = [
    { name: 'fdi', label: '实际利用外资金额', unit: '万美元', kind: 'extensive', description: 'foreign direct investment actually used (vendor panel)' },
  ];
  registry.sources.find((s: { id: string }) => s.id === 'yearbook-economy').precedence = 2;
  registry.sources.push({
    id: 'vendor-city-panel', layout: 'long', description: 'a data shop’s city panel 1990–2024: GDP and FDI, English names with codes',
    file: VENDOR, years: { from: 1990, to: 2024 }, precedence: 1, scope: '全市',
    columns: { code: 'Citycode', name: 'Cityname', year: 'Year' },
    indicators: [{ indicator: 'gdp', column: 'GDP', unit: 'header' }, { indicator: 'fdi', column: 'FDI', unit: 'header' }],
  });
  writeFileSync(path, JSON.stringify(registry, null, 2));
}

const panelHashWithout = async (dir: string, schema: string, columns: string) =>
  (await queryWarehouse<{ h: string }>(dir, `SELECT sum(hash(t))::VARCHAR AS h FROM (SELECT * ${columns} FROM ${schema}.panel) t`))[0].h;

beforeAll(async () => {
  const sample = await sampleWarehouse();
  sampleOut = sample.outDir;
  sampleHash = await panelHashWithout(sample.outDir, 'w', 'EXCLUDE (Va, Va_level, Va_w)');
  raw = copySampleRaw('vendor-panel');
  out = newOutDir('vendor-panel');
  copyFileSync(FIXTURE, join(raw, VENDOR));
  editRegistry(raw);
  writeFileSync(join(raw, 'aliases.csv'), 'printed,first_year,last_year,city_code,note\n133100,,,outside,雄安新区: a state-level new area\n');
});

afterAll(() => {
  for (const d of [raw, out]) if (d) rmSync(d, { recursive: true, force: true });
});

// One scenario in ordered steps on one folder (each step starts from the state the step before left), so the steps
// keep their order under --sequence.shuffle; the files themselves shuffle with the rest (see TESTING.md).
describe('a vendor long panel next to the sample’s files', { shuffle: false }, () => {
  it('the dry run: nothing wrong, GDP from two sources by precedence, FDI an extra indicator, 2023–2024 left out', async () => {
    const report = await checkRaw({ rawDir: raw, settings: defaultSettings() });
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([]);
    const gdp = report.coverage.find((c) => c.indicator === 'gdp')!;
    expect(gdp.feeds.map((f) => [f.source, f.precedence, f.years])).toEqual([['yearbook-economy', 2, '2011–2022'], ['vendor-city-panel', 1, '1990–2024']]);
    expect(report.coverage.find((c) => c.indicator === 'fdi')).toMatchObject({ required: false, user: true, feeds: [{ source: 'vendor-city-panel', years: '1990–2024' }] });
    expect(report.panel).toEqual({ first: 2011, last: 2022, leftOut: [
      { year: 2023, indicators: expect.arrayContaining(['ai_firms', 'population']) }, { year: 2024, indicators: expect.arrayContaining(['ai_firms']) }] });
    expect(report.files.find((f) => f.path === VENDOR)).toEqual({ path: VENDOR, sources: ['vendor-city-panel'], values: 2 * 35 * 6 + 2 * 8, ignored_rows: 3, failed: false });
  });

  it('builds with --years 2011-2022: the sample’s panel, FDI beside it, everything left out reported', async () => {
    const r = runCli(['--raw', raw, '--out', out, '--years', '2011-2022']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const line = (stage: string) => r.stdout.split('\n').find((l) => l.startsWith(stage)) ?? '';
    expect(line('ingest')).toContain('; 4 rows of text outside the data ignored (watermarks, notes: stg_files.ignored_rows)');
    expect(line('harmonize')).toContain('98 rows of 3 printed units left out (quality_outside_units); 1 line of aliases.csv');
    expect(line('clean')).toContain('years 2011–2022; 60 values of a second source next to the one used, 1 more than 5% apart (quality_discrepancies); '
      + '230 rows outside the panel\'s years not used (quality_years_outside)');
    expect(line('clean')).toContain('[warn: clean_source_discrepancies 1]');

    // the sample's panel, value for value: the yearbook's GDP comes first. (Va's provincial window sum may add up in
    // another order once the table has another column: its last bit is compared with a tolerance.)
    expect(await queryWarehouse(out, 'SELECT count(*)::INTEGER AS n, count(DISTINCT city_code)::INTEGER AS cities FROM w.panel')).toEqual([{ n: 3252, cities: 271 }]);
    expect(await panelHashWithout(out, 'w', 'EXCLUDE (fdi, Va, Va_level, Va_w)')).toBe(sampleHash);
    const [va] = await queryWarehouse<{ rel: number }>(out, `SELECT max(abs(p.Va_level / s.Va_level - 1)) AS rel FROM w.panel p
      JOIN read_parquet('${join(sampleOut, 'panel.parquet')}') s USING (city_code, year)`);
    expect(va.rel).toBeLessThan(1e-14);

    expect(await queryWarehouse(out, `SELECT unit, code, first_year, last_year, rows, kind FROM w.quality_outside_units WHERE file = '${VENDOR}' ORDER BY code`)).toEqual([
      { unit: 'XionganNewArea', code: '133100', first_year: 2017, last_year: 2024, rows: 16, kind: 'user' },
      { unit: 'YanbianKoreanAutonomousPrefecture', code: '222400', first_year: 1990, last_year: 2024, rows: 70, kind: 'prefecture' },
    ]);
    expect(await queryWarehouse(out, 'SELECT printed, city_code, rows FROM w.meta_user_aliases')).toEqual([{ printed: '133100', city_code: 'outside', rows: 16 }]);
    // five cities × (1990–2010 and 2023–2024) per indicator
    expect(await queryWarehouse(out, 'SELECT * FROM w.quality_years_outside')).toEqual([
      { source: 'vendor-city-panel', indicator: 'fdi', first_year: 1990, last_year: 2024, years: '1990–2010, 2023–2024', rows: 115 },
      { source: 'vendor-city-panel', indicator: 'gdp', first_year: 1990, last_year: 2024, years: '1990–2010, 2023–2024', rows: 115 },
    ]);
    expect(await queryWarehouse(out, `SELECT ignored_rows FROM w.stg_files WHERE path = '${VENDOR}'`)).toEqual([{ ignored_rows: 3 }]);
  });

  it('converts exactly: 亿元 → 万元 (× 10⁴) for the vendor’s GDP, 百万美元 → 万美元 (× 100) for FDI', async () => {
    const gdp = await queryWarehouse<{ city_code: string; used_value: number; other_value: number; relative_difference: number }>(out,
      "SELECT city_code, used_value, other_value, relative_difference FROM w.quality_discrepancies WHERE year = 2011 AND city_code IN ('110000', '120000') ORDER BY city_code");
    // 北京 2011: the vendor prints 8445.83 亿元 = 84,458,300 万元; the yearbook 84,458,275 万元
    expect(gdp[0].used_value).toBe(84458275);
    expect(gdp[0].other_value).toBeCloseTo(84458300, 6);
    expect(gdp[0].relative_difference).toBeCloseTo(25 / 84458275, 15);
    // 天津 2011: the vendor's other vintage, 6677.44 亿元, 41% above: the warning's one row
    expect(gdp[1].other_value).toBeCloseTo(66774400, 6);
    expect(gdp[1].relative_difference).toBeGreaterThan(0.05);
    const warned = await queryWarehouse<{ row_json: string }>(out, "SELECT row_json FROM w.test_failures WHERE test = 'clean_source_discrepancies'");
    expect(warned.map((w) => JSON.parse(w.row_json)).map((w) => [w.city_code, w.year])).toEqual([['120000', 2011]]);

    const fdi = await queryWarehouse<{ city_code: string; year: number; fdi: number | null }>(out,
      "SELECT city_code, year, fdi FROM w.panel WHERE (city_code IN ('110000', '310000') AND year = 2015) OR (city_code = '510100' AND year BETWEEN 2015 AND 2017) ORDER BY city_code, year");
    // 北京 2015: 543.4 百万美元 = 54,340 万美元; 上海 is not in the vendor's file: no FDI, still in the panel
    expect(fdi[0].fdi).toBeCloseTo(54340, 6);
    expect(fdi[1]).toEqual({ city_code: '310000', year: 2015, fdi: null });
    // 成都 2016 is '—' in the file: interpolated between 2015 and 2017, and listed
    expect(fdi[3].fdi).toBeCloseTo((fdi[2].fdi! + fdi[4].fdi!) / 2, 6);
    expect(await queryWarehouse(out, "SELECT method, from_year, to_year FROM w.quality_imputations WHERE indicator = 'fdi'")).toEqual([
      { method: 'interpolated', from_year: 2015, to_year: 2017 }]);
    expect(await queryWarehouse(out, "SELECT name, unit, role, required FROM w.meta_catalogue WHERE name = 'fdi'")).toEqual([
      { name: 'fdi', unit: '万美元', role: 'user', required: false }]);
  });

  it('the extra column is usable by the engine', () => {
    const r = cli('fe', '--warehouse', join(out, 'warehouse.duckdb'), '--table', 'panel', '--formula', 'Inn ~ AI + log(fdi) | city_code + year', '--where', 'fdi IS NOT NULL');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Observations: 60');
    expect(r.stdout).toMatch(/\nlog\(fdi\) +-?\d/);
  });

  it('with --years 2011-latest the panel ends where every required indicator ends: the vendor’s 2023–2024 left out, with a line', () => {
    const r = runCli(['--raw', raw, '--out', out, '--years', '2011-latest']);
    expect(r.status).toBe(0);
    const clean = r.stdout.split('\n').find((l) => l.startsWith('clean')) ?? '';
    expect(clean).toContain('years 2011–2022; 2023 left out (no data yet for all 19 required indicators); 2024 left out (no data yet for all 19 required indicators)');
    expect(clean).toContain('230 rows outside the panel\'s years not used');
  });
});
