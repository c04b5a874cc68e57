// Scheduled rebuilds say what changed: the `changes` table of the warehouse and the printed summary against the
// previous build, and `--json` with its exit codes (0 built or nothing to do, 2 bad input, 3 lock busy, 1 internal
// error). One copy of the sample, built, rebuilt unchanged, with the next edition, with one cell revised, and back.
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSample } from '../../../generator/generate.ts';
import type { BuildChanges } from '../../../pipelines/runner/run-record.ts';
import { runPipeline } from '../../../pipelines/runner/run.ts';
import { STAGES } from '../../../pipelines/stages.ts';
import { SAMPLE_RAW } from '../../helpers/sample-warehouse.ts';
import { copySampleRaw, editWorkbook, newOutDir, queryWarehouse, rowOf, runCli, warehouseFiles } from '../../helpers/rebuild.ts';

const YB = (edition: number) => `yearbook/中国城市统计年鉴${edition}.xlsx`;
const EXPORTS = ['eps/中国城市数据库_专利.xlsx', 'eps/中国城市数据库_快递业务量.xlsx', 'eps/中国宏观经济数据库_电子商务交易额.xlsx', 'vendor/ai_enterprises.csv'];

let raw: string;
let out: string;

beforeAll(() => {
  raw = copySampleRaw('changes');
  out = newOutDir('changes');
});

afterAll(() => {
  for (const d of [raw, out]) if (d) rmSync(d, { recursive: true, force: true });
});

interface Summary {
  status: string;
  exit_code: number;
  stages: Array<{ stage: string; status: string; reason: string; rows: number | null }>;
  changes: BuildChanges | null;
  error: string | null;
}

/** The CLI with --json: stdout must be exactly one JSON object (one line). */
function cliJson(args: string[] = []): { status: number | null; summary: Summary; stderr: string } {
  const r = runCli(['--raw', raw, '--out', out, '--json', ...args]);
  const lines = r.stdout.split('\n');
  expect(lines, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toHaveLength(2);
  expect(lines[1]).toBe('');
  return { status: r.status, summary: JSON.parse(lines[0]) as Summary, stderr: r.stderr };
}

const changesTable = (where = 'TRUE') => queryWarehouse<{ kind: string; item: string; count: number | null; city_code: string | null; detail: string | null }>(out,
  `SELECT kind, item, count, city_code, detail FROM w.changes WHERE ${where} ORDER BY ALL`);

// One scenario in ordered steps on one folder (each step starts from the state the step before left), so the steps
// keep their order under --sequence.shuffle; the files themselves shuffle with the rest (see TESTING.md).
describe('what a rebuild changed', { shuffle: false }, () => {
  it('a first build (--json): status built, exit 0, nothing to compare with', async () => {
    const { status, summary } = cliJson();
    expect(status).toBe(0);
    expect(summary).toMatchObject({ status: 'built', exit_code: 0, error: null });
    expect(summary.stages.map((s) => [s.stage, s.status])).toEqual(STAGES.map((s) => [s.name, 'ran']));
    expect(summary.changes).toMatchObject({ compared_with: 'none', note: 'first build: no previous warehouse', panel: { rows_after: 3252 } });
    expect(await changesTable("kind = 'compared with'")).toEqual([
      { kind: 'compared with', item: 'none', count: null, city_code: null, detail: 'first build: no previous warehouse' }]);
  });

  it('a run with nothing to do (--json): status nothing to do, exit 0, nothing changed; the warehouse is not touched', () => {
    const before = warehouseFiles(out);
    const { status, summary } = cliJson();
    expect(status).toBe(0);
    expect(summary.status).toBe('nothing to do');
    expect(summary.stages.every((s) => s.status === 'skipped')).toBe(true);
    expect(summary.changes).toMatchObject({
      nothing_changed: true, files: { added: [], removed: [], changed: [] },
      panel: { rows_before: 3252, rows_after: 3252, rows_added: 0, rows_dropped: 0 }, revisions: { cells: 0 },
    });
    expect(warehouseFiles(out)).toEqual(before);
  });

  it('the next edition: the added and changed files, 272 × 13 panel rows against 3,252, 河池 newly kept (printed and in the table)', async () => {
    writeSample({ out: raw, nextEdition: true });
    const r = runCli(['--raw', raw, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`changes    files: 1 added (${YB(2024)}); 4 changed (${EXPORTS.join(', ')})\n`);
    expect(r.stdout).toContain('           panel: 3,252 → 3,536 rows (+284 added, 0 dropped)\n');
    expect(r.stdout).toContain('           cities newly kept: 河池 451200; newly dropped: none\n');
    const changes = JSON.parse(readFileSync(join(out, 'run_results.json'), 'utf8')).changes as BuildChanges;
    expect(changes).toMatchObject({
      compared_with: 'previous build', nothing_changed: false,
      files: { added: [YB(2024)], removed: [], changed: EXPORTS }, settings: [],
      panel: { rows_before: 3252, rows_after: 272 * 13, rows_added: 272 * 13 - 3252, rows_dropped: 0, values_changed: true },
      cities: { newly_kept: [{ city_code: '451200', city_name: '河池', reason: null }], newly_dropped: [] },
    });
    // the earlier editions are unchanged and the exports repeat their earlier years: revisions, if any, are counted
    expect(changes.revisions.cells).toBe(Object.values(changes.revisions.by_indicator).reduce((a, b) => a + b, 0));
    const table = await changesTable("kind IN ('file added', 'file changed', 'file removed', 'panel rows', 'city newly kept', 'city newly dropped')");
    expect(table.map((t) => [t.kind, t.item, t.count, t.city_code])).toEqual([
      ['city newly kept', '河池', null, '451200'],
      ['file added', YB(2024), null, null],
      ...EXPORTS.map((f) => ['file changed', f, null, null]),
      ['panel rows', 'added', 284, null],
      ['panel rows', 'after', 3536, null],
      ['panel rows', 'before', 3252, null],
      ['panel rows', 'dropped', 0, null],
    ]);
  });

  it('a revised cell: counted by indicator; the largest with city, year, old and new value and the raw cells of both', async () => {
    let cell = '';
    let old = 0;
    editWorkbook(join(raw, YB(2016)), (wb) => {
      const ws = wb.Sheets['2-7 综合经济'];
      cell = `B${rowOf(ws, '石家庄')}`;
      old = Number(String(ws[cell].v).normalize('NFKC').replace(/[,\s]/g, ''));
      ws[cell] = { t: 'n', v: old * 1.1 };
    });
    const run = await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
    const c = run.changes!;
    expect(c.files).toEqual({ added: [], removed: [], changed: [YB(2016)] });
    expect(c.panel).toMatchObject({ rows_added: 0, rows_dropped: 0, values_changed: true });
    expect(c.revisions.by_indicator).toEqual({ gdp: 1 });
    const at = `${YB(2016)} 2-7 综合经济!${cell}`;
    expect(c.revisions.largest).toEqual([{
      city_code: '130100', city_name: '石家庄', year: 2015, indicator: 'gdp', old_value: old, new_value: old * 1.1,
      relative_change: expect.closeTo(0.1, 9), source: at, old_source: at,
    }]);
    const [row] = await queryWarehouse<Record<string, unknown>>(out, "SELECT * FROM w.changes WHERE kind = 'revision'");
    expect(row).toMatchObject({ item: '石家庄', city_code: '130100', year: 2015, indicator: 'gdp', old_value: old, source: at, old_source: at });
    expect(await changesTable("kind = 'revised cells'")).toEqual([{ kind: 'revised cells', item: 'gdp', count: 1, city_code: null, detail: null }]);
  });

  it('back to the twelve editions: the file removed, 河池 newly dropped with its reason, the revision undone', async () => {
    rmSync(join(raw, YB(2024)));
    for (const f of [...EXPORTS, YB(2016)]) copyFileSync(join(SAMPLE_RAW, f), join(raw, f));
    const run = await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
    const c = run.changes!;
    expect(c.files).toEqual({ added: [], removed: [YB(2024)], changed: [...EXPORTS, YB(2016)].sort() });
    expect(c.panel).toMatchObject({ rows_before: 3536, rows_after: 3252, rows_added: 0, rows_dropped: 284 });
    expect(c.cities.newly_kept).toEqual([]);
    expect(c.cities.newly_dropped).toEqual([{ city_code: '451200', city_name: '河池', reason: expect.stringMatching(/missing/) }]);
    expect(c.revisions.by_indicator).toEqual({ gdp: 1 });
    expect(c.revisions.largest[0]).toMatchObject({ city_code: '130100', year: 2015, indicator: 'gdp' });
  });

  it('bad input (--json): exit 2, the JSON says bad input with the one line, stderr has it; the warehouse untouched', () => {
    const before = warehouseFiles(out);
    const file = join(raw, YB(2016));
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, 1000));
    try {
      const { status, summary, stderr } = cliJson();
      expect(status).toBe(2);
      const line = `ingest: file ${YB(2016)}: expected a complete xlsx workbook, got a truncated or corrupt zip (no end-of-central-directory record)`;
      expect(summary).toMatchObject({ status: 'bad input', exit_code: 2, error: line, changes: null });
      expect(summary.stages.find((s) => s.stage === 'ingest')).toMatchObject({ status: 'failed' });
      expect(stderr).toBe(`error: ${line}\n`);
      expect(warehouseFiles(out)).toEqual(before);
    } finally {
      writeFileSync(file, bytes);
    }
  });

  it('another run holds the lock (--json): exit 3, one line on stderr, nothing changed', () => {
    const before = warehouseFiles(out);
    const results = readFileSync(join(out, 'run_results.json'));
    // a lock of a live process (this one): the pid decides
    writeFileSync(join(out, '.lock'), JSON.stringify({ pid: process.pid, started: 'test' }));
    try {
      const { status, summary, stderr } = cliJson();
      expect(status).toBe(3);
      expect(summary).toMatchObject({ status: 'lock busy', exit_code: 3, changes: null });
      expect(stderr).toMatch(new RegExp(`^error: another pipeline run \\(pid ${process.pid}, started test\\) is building .+\\n$`));
    } finally {
      rmSync(join(out, '.lock'));
    }
    expect(warehouseFiles(out)).toEqual(before);
    expect(readFileSync(join(out, 'run_results.json'))).toEqual(results);
  });

  it('an internal error (--json): exit 1, status internal error', () => {
    const notADir = join(out, 'run_results.json');
    const r = runCli(['--raw', raw, '--out', notADir, '--json']);
    expect(r.status).toBe(1);
    const summary = JSON.parse(r.stdout) as Summary;
    expect(summary).toMatchObject({ status: 'internal error', exit_code: 1 });
    expect(summary.error).toMatch(/EEXIST|ENOTDIR/);
  });
});
