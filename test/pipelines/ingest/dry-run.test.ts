// Issue 11 §3: `--dry-run` checks everything that can be checked without building (registry, files, sheets,
// headers, columns, units, and which source feeds which years), lists every problem at once and exits 2 when the
// build would stop; "no city kept" is one readable line.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { clean } from '../../../pipelines/clean/index.ts';
import { checkRaw, formatDryRun } from '../../../pipelines/ingest/check.ts';
import type { StageContext } from '../../../pipelines/runner/stage.ts';
import { defaultSettings } from '../../../schemas/settings.ts';
import { runCli } from '../../helpers/rebuild.ts';
import { SAMPLE_RAW } from '../../helpers/sample-warehouse.ts';
import { fixtureContext, harmonizedRows } from '../fixture.ts';
import { tempDir, writeFiles, xlsx } from './fixtures.ts';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const folder = (prefix: string) => {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
};

const AI_CSV = ['城市代码,城市名称,年份,人工智能企业数', ...[2011, 2012, 2013].flatMap((y) => [`110000,北京市,${y},${y - 2000}`, `130100,石家庄市,${y},3`])].join('\n');
/** A raw folder with five broken sources next to a good one. */
function brokenRaw(): string {
  const raw = folder('dry-raw-');
  writeFiles(raw, [
    { path: 'vendor/ai.csv', data: AI_CSV },
    { path: 'vendor/gdp.xlsx', data: xlsx({ Sheet1: [['城市代码', '城市名称', '年份', '地区生产总值(亿美金)'], ['110000', '北京市', 2012, 1.5]] }) },
    { path: 'eps/express.xlsx', data: xlsx({ 其他: [['指标名称：快递业务量']] }) },
    { path: 'vendor/patents.csv', data: '城市代码,城市名称,年份,专利申请数\n110000,北京市,2012,5\n' },
    { path: 'notes.docx', data: 'notes' },
  ]);
  const long = (id: string, file: string, indicator: string, column: string, unit: string) => ({
    id, layout: 'long', file, years: { from: 2011, to: 2022 }, columns: { code: '城市代码', name: '城市名称', year: '年份' },
    indicators: [{ indicator, column, unit }],
  });
  writeFileSync(join(raw, 'sources.json'), JSON.stringify({ version: 1, sources: [
    long('ai', 'vendor/ai.csv', 'ai_firms', '人工智能企业数', '家'),
    long('gdp', 'vendor/gdp.xlsx', 'gdp', '地区生产总值', 'header'),
    { id: 'express', layout: 'eps', file: 'eps/express.xlsx', years: { from: 2011, to: 2022 }, sheet: '快递业务量', indicator: 'express_volume', labels: ['快递业务量'], level: 'city' },
    long('patents', 'vendor/patents.csv', 'patents_granted', '专利授权数', '件'),
    long('students', 'yearbook/*.xlsx', 'students', '在校学生数', '人'),
  ] }));
  return raw;
}

describe('the dry run’s checks', () => {
  it('list every problem at once: a source without files, a sheet, a column, a unit, and each required indicator nobody feeds', async () => {
    const report = await checkRaw({ rawDir: brokenRaw(), settings: defaultSettings() });
    const problems = report.problems.join('\n');
    expect(problems).toContain("file yearbook/*.xlsx: expected at least one file matching the pattern of source 'students'");
    expect(problems).toContain("file vendor/gdp.xlsx, sheet Sheet1, cell D1: expected a unit convertible to 万元 for 地区生产总值 (元, 万元, 亿元), got '亿美金'");
    expect(problems).toContain("file eps/express.xlsx: expected a sheet '快递业务量' (source 'express'), the workbook has: '其他'");
    expect(problems).toContain("file vendor/patents.csv, cell A1: expected the column(s) '专利授权数' in the header row, not found");
    expect(problems).toContain('no source feeds students (普通高等学校在校学生数), which the panel needs in every year: every city would be dropped');
    expect(report.files.map((f) => [f.path, f.failed, f.values])).toEqual([
      ['eps/express.xlsx', true, 0], ['vendor/ai.csv', false, 6], ['vendor/gdp.xlsx', true, 0], ['vendor/patents.csv', true, 0]]);
    expect(report.unclaimed).toEqual(['notes.docx']);
    const ai = report.coverage.find((c) => c.indicator === 'ai_firms')!;
    expect(ai).toMatchObject({ required: true, feeds: [{ source: 'ai', years: '2011–2013', values: 6, precedence: null }] });
    expect(report.panel).toEqual({ first: 2011, last: 2013, leftOut: [] });
  });

  it('a registry that breaks its schema is the one problem', async () => {
    const raw = folder('dry-bad-');
    writeFileSync(join(raw, 'sources.json'), JSON.stringify({ version: 1, sources: [{ id: 'x', layout: 'long', file: 'a.csv' }] }));
    const report = await checkRaw({ rawDir: raw, settings: defaultSettings() });
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/^file .*sources\.json: source registry: sources\.0\.years: /);
  });

  it('on the bundled sample: nothing wrong, every required indicator fed for 2011–2022, a table a person reads', async () => {
    const report = await checkRaw({ rawDir: SAMPLE_RAW, settings: defaultSettings() });
    expect(report.problems).toEqual([]);
    expect(report.coverage.filter((c) => c.required)).toHaveLength(19);
    for (const c of report.coverage) expect(c.feeds.map((f) => f.years), c.indicator).toEqual(['2011–2022']);
    expect(report.panel).toEqual({ first: 2011, last: 2022, leftOut: [] });
    const lines = formatDryRun(report);
    expect(lines).toContain('  gdp                  required  yearbook-economy          -           -        2011–2022');
    expect(lines).toContain('panel years: 2011–2022');
    expect(lines.at(-1)).toBe('no problems found: every file was read, every required indicator has a source');
  });

  it('the years: a trailing year some indicator lacks is left out, an interior one is a problem, --years moves them', async () => {
    const raw = folder('dry-years-');
    // ai_firms 2011–2014, patents 2011–2013 except 2012
    const ai = ['城市代码,城市名称,年份,人工智能企业数', ...[2011, 2012, 2013, 2014].map((y) => `110000,北京市,${y},5`)].join('\n');
    const patents = ['城市代码,城市名称,年份,专利授权数', ...[2011, 2013].map((y) => `110000,北京市,${y},5`)].join('\n');
    writeFiles(raw, [{ path: 'ai.csv', data: ai }, { path: 'patents.csv', data: patents }]);
    const long = (id: string, indicator: string, column: string, unit: string) => ({
      id, layout: 'long', file: `${id}.csv`, years: { from: 2011, to: 2022 }, columns: { code: '城市代码', name: '城市名称', year: '年份' }, indicators: [{ indicator, column, unit }] });
    writeFileSync(join(raw, 'sources.json'), JSON.stringify({ version: 1, sources: [long('ai', 'ai_firms', '人工智能企业数', '家'), long('patents', 'patents_granted', '专利授权数', '件')] }));
    const report = await checkRaw({ rawDir: raw, settings: defaultSettings() });
    expect(report.panel).toEqual({ first: 2011, last: 2013, leftOut: [{ year: 2014, indicators: ['patents_granted'] }] });
    expect(report.problems.filter((p) => p.startsWith('year'))).toEqual([
      'year 2012: patents_granted reported for fewer than 50% of their units: a whole year is never interpolated, the build would stop (an edition or export missing? or --years to end the panel earlier)']);
    const later = await checkRaw({ rawDir: raw, settings: { ...defaultSettings(), firstYear: 2013, lastYear: 2013 } });
    expect(later.panel).toEqual({ first: 2013, last: 2013, leftOut: [] });
    expect(later.problems.filter((p) => p.startsWith('year'))).toEqual([]);
  });

  it('the last panel year is the last with a city-level value: empty cells of a later year do not extend it', async () => {
    const raw = folder('dry-last-');
    const ai = ['城市代码,城市名称,年份,人工智能企业数', ...[2011, 2012, 2013].map((y) => `110000,北京市,${y},5`), '110000,北京市,2014,'].join('\n');
    writeFiles(raw, [{ path: 'ai.csv', data: ai }]);
    writeFileSync(join(raw, 'sources.json'), JSON.stringify({ version: 1, sources: [{
      id: 'ai', layout: 'long', file: 'ai.csv', years: { from: 2011, to: 2022 }, columns: { code: '城市代码', name: '城市名称', year: '年份' },
      indicators: [{ indicator: 'ai_firms', column: '人工智能企业数', unit: '家' }] }] }));
    const report = await checkRaw({ rawDir: raw, settings: defaultSettings() });
    expect(report.files.map((f) => [f.path, f.failed, f.values])).toEqual([['ai.csv', false, 4]]);
    expect(report.panel).toEqual({ first: 2011, last: 2013, leftOut: [] });
  });
});

describe('the dry run on the command line', () => {
  it('prints the checks and exits 2 with the problems listed when the build would stop', () => {
    const out = folder('dry-out-');
    const r = runCli(['--raw', brokenRaw(), '--out', out, '--dry-run']);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^dry run: the registry .*sources\.json: 5 sources, 4 files to read/);
    expect(r.stdout).toContain('coverage: which source feeds which years of each indicator');
    expect(r.stdout).toMatch(/\n\d+ problems: the build would stop\n {2}file yearbook\/\*\.xlsx: expected at least one file/);
    expect(r.stderr).toMatch(/^error: the build would stop: \d+ problems \(listed above\), the first: file yearbook/);
    expect(r.stdout).not.toContain('would run');
  });

  it('on the sample, with --years: the panel years, then the stages that would run', () => {
    const out = folder('dry-out-');
    const r = runCli(['--raw', SAMPLE_RAW, '--out', out, '--dry-run', '--years', '2012-2014']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('\npanel years: 2012–2014\n');
    expect(r.stdout).toContain('\nstages\ningest     would run: no previous build');
    const bad = runCli(['--raw', SAMPLE_RAW, '--out', out, '--dry-run', '--years', '2014-2012']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("error: option '--years <first-last>' argument '2014-2012' is invalid. expected the first year not after the last\n");
  });
});

describe('no city kept', () => {
  let ctx: StageContext | undefined;
  afterEach(() => ctx?.db.close());

  it('is one readable line naming the indicators missing most, not a validation dump', async () => {
    // each city misses another indicator at an edge year, nothing is carried: every city is dropped, no year is short
    const gaps: Record<string, [string, number]> = { 370100: ['ai_firms', 2011], 370200: ['students', 2011], 620200: ['gdp', 2014] };
    ctx = await fixtureContext(harmonizedRows((r) => {
      const g = gaps[r.city_code as string];
      return g && r.indicator === g[0] && r.year === g[1] ? null : r;
    }), { edgeCarry: 0 });
    await expect(clean(ctx)).rejects.toThrow(new RegExp('^no city kept: the drop rule dropped all 3, each lacks a required indicator in some year of 2011–2014 '
      + 'even after filling gaps; missing most: ai_firms for 1 \\(in 2011\\), gdp for 1 \\(in 2014\\), students for 1 \\(in 2011\\) \\(quality_drops'));
  });
});
