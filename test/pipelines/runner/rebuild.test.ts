// Scheduled rebuilds: determinism (two full builds of the same files, the estimation stage on both), what an
// incremental run reruns, and a new yearbook edition (2024, data year 2023) extending the panel by a year.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSample } from '../../../generator/generate.ts';
import { StageDb, sqlString } from '../../../pipelines/core/db.ts';
import { buildResults } from '../../../pipelines/estimate/results.ts';
import { EstimateSettings } from '../../../pipelines/estimate/settings.ts';
import { fileHashes } from '../../../pipelines/runner/fingerprint.ts';
import { runPipeline, type RunRecord } from '../../../pipelines/runner/run.ts';
import { STAGES } from '../../../pipelines/stages.ts';
import { WAREHOUSE_TABLES } from '../../../pipelines/warehouse/index.ts';
import { copySampleRaw, newOutDir, panelHash, parquetPanelHash, queryWarehouse } from '../../helpers/rebuild.ts';

let raw: string;
let out: string;
let first: RunRecord;
let panel0: { hash: string; rows: number };

beforeAll(async () => {
  raw = copySampleRaw('rebuild');
  out = newOutDir('rebuild');
  first = await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
  panel0 = await panelHash(out);
});

afterAll(() => {
  for (const d of [raw, out]) if (d) rmSync(d, { recursive: true, force: true });
});

const cacheOutputs = (dir: string) => Object.fromEntries(STAGES.filter((s) => s.outputs.length).map((s) => {
  const meta = JSON.parse(readFileSync(join(dir, '.cache', `${s.name}.json`), 'utf8'));
  return [s.name, meta.outputs as Array<{ table: string; rows: number; hash: string }>];
}));
const statuses = (run: RunRecord) => Object.fromEntries(run.stages.map((s) => [s.stage, s.status]));

// One scenario in ordered steps on one folder (each step starts from the state the step before left), so the steps
// keep their order under --sequence.shuffle; the files themselves shuffle with the rest (see TESTING.md).
describe('rebuilds of one folder, in order', { shuffle: false }, () => {
  describe('determinism', () => {
    let second: string;
    afterAll(() => {
      if (second) rmSync(second, { recursive: true, force: true });
    });

    it('two full builds of the same raw files: identical panel, stage outputs and estimates', async () => {
      second = newOutDir('rebuild-second');
      await runPipeline({ rawDir: raw, outDir: second, full: true, log: () => {} });
      expect(await panelHash(second)).toEqual(panel0);
      expect(await parquetPanelHash(second)).toEqual(panel0);
      expect(cacheOutputs(second)).toEqual(cacheOutputs(out));
      expect(cacheOutputs(out).transform.map((o) => o.table)).toEqual(['panel']);

      const settings = EstimateSettings.parse({ bootstrap: 20, mediationBootstrap: 20 });
      const a = (await buildResults(join(out, 'warehouse.duckdb'), settings)).results;
      const b = (await buildResults(join(second, 'warehouse.duckdb'), settings)).results;
      expect(a.meta.warehouse).not.toBe(b.meta.warehouse);
      a.meta.warehouse = b.meta.warehouse = '';
      expect(b).toEqual(a);
      expect(a.table2_baseline.columns[0].obs).toBe(3252);
    });
  });

  describe('incremental runs', () => {
    it('nothing changed, or only the files that document the data: every stage skipped, the panel as it was', async () => {
      expect(first.stages.every((s) => s.status === 'ran')).toBe(true);
      writeFileSync(join(raw, 'README.md'), `${readFileSync(join(raw, 'README.md'), 'utf8')}\nedited\n`);
      const run = await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
      expect(Object.values(statuses(run))).toEqual(STAGES.map(() => 'skipped'));
      expect(await panelHash(out)).toEqual(panel0);
    });

    it('a setting read by the transform stage reruns transform and warehouse only', async () => {
      const run = await runPipeline({ rawDir: raw, outDir: out, settings: { splitRule: 'median' }, log: () => {} });
      expect(statuses(run)).toEqual({ ingest: 'skipped', harmonize: 'skipped', clean: 'skipped', derive: 'skipped', transform: 'ran', warehouse: 'ran' });
      expect(run.stages.find((s) => s.stage === 'transform')!.reason).toBe('settings changed');
      const back = await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
      expect(statuses(back).derive).toBe('skipped');
      expect(await panelHash(out)).toEqual(panel0);
    });
  });

  describe('a new yearbook edition (2024, data year 2023)', () => {
    let before: Map<string, string>;
    let oldOut: string;
    let run: RunRecord;

    beforeAll(async () => {
      before = new Map(fileHashes(raw).map((f) => [f.path, f.sha256]));
      // keep the 12-year warehouse to compare with
      oldOut = newOutDir('rebuild-old');
      for (const f of ['warehouse.duckdb']) writeFileSync(join(oldOut, f), readFileSync(join(out, f)));
      writeSample({ out: raw, nextEdition: true });
    });
    afterAll(() => {
      if (oldOut) rmSync(oldOut, { recursive: true, force: true });
    });

    it('adds the 2024 edition and the 2023 column/rows of the exports; the earlier editions are unchanged', () => {
      const after = new Map(fileHashes(raw).map((f) => [f.path, f.sha256]));
      const added = [...after.keys()].filter((p) => !before.has(p));
      const changed = [...after.keys()].filter((p) => before.has(p) && before.get(p) !== after.get(p) && !/^(README|TRUTH|truth)/.test(p));
      expect(added).toEqual(['yearbook/中国城市统计年鉴2024.xlsx']);
      expect(changed.sort()).toEqual(['eps/中国城市数据库_专利.xlsx', 'eps/中国城市数据库_快递业务量.xlsx', 'eps/中国宏观经济数据库_电子商务交易额.xlsx', 'vendor/ai_enterprises.csv']);
    });

    it('the dry run names the new and the changed inputs only', async () => {
      const dry = await runPipeline({ rawDir: raw, outDir: out, dryRun: true, log: () => {} });
      expect(dry.stages[0].status).toBe('would run');
      expect(dry.stages[0].reason).toMatch(/^new input yearbook\/中国城市统计年鉴2024\.xlsx; input changed eps\//);
      expect(dry.stages[0].reason).not.toMatch(/中国城市统计年鉴20(1\d|2[0-3])/);
    });

    it('the build extends the panel to 2023: every city of the panel has 13 years', async () => {
      run = await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
      expect(run.status).toBe('success');
      expect(run.stages.map((s) => s.status)).toEqual(STAGES.map(() => 'ran'));
      const [r] = await queryWarehouse<{ y0: number; y1: number; nyears: bigint; cities: bigint; n: bigint }>(out,
        'SELECT min(year) y0, max(year) y1, count(DISTINCT year) nyears, count(DISTINCT city_code) cities, count(*) n FROM w.panel');
      expect([r.y0, r.y1, Number(r.nyears)]).toEqual([2011, 2023, 13]);
      expect(Number(r.n)).toBe(13 * Number(r.cities));
      const unbalanced = await queryWarehouse(out, 'SELECT city_code FROM w.panel GROUP BY city_code HAVING count(*) <> 13');
      expect(unbalanced).toEqual([]);
      // the new edition's values are there with their provenance
      const [v] = await queryWarehouse<{ n: bigint }>(out,
        "SELECT count(*) n FROM w.stg_values WHERE file = 'yearbook/中国城市统计年鉴2024.xlsx' AND year = 2023");
      expect(Number(v.n)).toBeGreaterThan(1000);
    });

    it('the values read from the unchanged editions are the same as before', async () => {
      const db = await StageDb.open();
      try {
        await db.run(`ATTACH ${sqlString(join(oldOut, 'warehouse.duckdb'))} AS a (READ_ONLY)`);
        await db.run(`ATTACH ${sqlString(join(out, 'warehouse.duckdb'))} AS b (READ_ONLY)`);
        const q = (s: string) => `SELECT count(*) n, sum(hash(file, sheet, cell, file_sha256, indicator, scope, year, value, unit, city_code)) h
          FROM ${s}.stg_values WHERE file LIKE 'yearbook/%' AND file <> 'yearbook/中国城市统计年鉴2024.xlsx'`;
        const [a] = await db.rows<{ n: bigint; h: bigint }>(q('a'));
        const [b] = await db.rows<{ n: bigint; h: bigint }>(q('b'));
        expect(Number(a.n)).toBeGreaterThan(50_000);
        expect(b).toEqual(a);
      } finally {
        db.close();
      }
    });

    it('a second run finds nothing to do', async () => {
      const again = await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
      expect(Object.values(statuses(again))).toEqual(STAGES.map(() => 'skipped'));
    });

    it('the warehouse updated in place holds what a full build of the same files writes, table by table', async () => {
      // the incremental run above took the 2024 edition's rows from its part and appended them to the copied file
      expect(run.stages.find((s) => s.stage === 'ingest')!.report!.detail).toMatch(/17 files, 5 read, 12 unchanged/);
      await expect(sameAsFullBuild(raw, out)).resolves.toBe(true);
    });

    it('a file taken away: its values leave the warehouse, which again equals a full build', async () => {
      const edition = join(raw, 'yearbook', '中国城市统计年鉴2024.xlsx');
      rmSync(edition);
      try {
        const gone = await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
        expect(gone.status).toBe('success');
        const [v] = await queryWarehouse<{ n: bigint }>(out, "SELECT count(*) n FROM w.stg_values WHERE file = 'yearbook/中国城市统计年鉴2024.xlsx'");
        expect(Number(v.n)).toBe(0);
        await expect(sameAsFullBuild(raw, out)).resolves.toBe(true);
      } finally {
        writeSample({ out: raw, nextEdition: true });
      }
    });
  });

  /** Order-independent content hashes of every warehouse table (and the parts record) of `out` and of a full build
   *  of `rawDir` into a new folder are equal; a difference is printed by table. */
  async function sameAsFullBuild(rawDir: string, outDir: string): Promise<boolean> {
    const full = newOutDir('rebuild-full');
    try {
      await runPipeline({ rawDir, outDir: full, full: true, log: () => {} });
      // `changes` compares with the build before, which a full build into a new folder does not have
      const tables = [...Object.keys(WAREHOUSE_TABLES), 'meta_parts'].filter((t) => t !== 'meta_build' && t !== 'changes');
      const hashes = async (dir: string) => Object.fromEntries(await Promise.all(tables.map(async (t) => {
        const [r] = await queryWarehouse<{ h: string; n: bigint }>(dir, `SELECT sum(hash(t))::VARCHAR AS h, count(*) AS n FROM w.${t} t`);
        return [t, `${r.n}:${r.h}`];
      })));
      const [a, b] = [await hashes(outDir), await hashes(full)];
      expect(a).toEqual(b);
      return true;
    } finally {
      rmSync(full, { recursive: true, force: true });
    }
  }
});
