// A stage's code fingerprint is derived from its imports and the data files they name: a helper imported from
// another folder, or a reference CSV, changed → exactly the stages that use it run again.
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { codeGraph } from '../../../pipelines/runner/code-graph.ts';
import { STAGES } from '../../../pipelines/stages.ts';
import { PROJECT, queryWarehouse } from '../../helpers/rebuild.ts';

const graphOf = (name: string) => codeGraph(STAGES.find((s) => s.name === name)!.module);

describe('code graph of a stage', () => {
  it('follows runtime imports across folders and names the SQL and reference files its modules read', () => {
    const transform = graphOf('transform');
    expect(transform).toContain('econometrics/stats/winsorize.ts');
    expect(transform).toContain('sql/transform/transform.sql');
    expect(transform).toContain('schemas/catalogue.ts');
    const ingest = graphOf('ingest');
    // province_raw is decided by the reference provinces
    expect(ingest).toEqual(expect.arrayContaining(['reference/index.ts', 'reference/provinces.csv', 'pipelines/ingest/layouts/yearbook.ts', 'sql/ingest/duplicates.sql']));
    expect(graphOf('clean')).toEqual(expect.arrayContaining(['sql/clean/impute.sql', 'sql/clean/drops.sql', 'sql/clean/normalize.sql', 'sql/clean/checks.sql']));
  });

  it('leaves out type-only imports, packages, the raw folder and other stages it does not run', () => {
    const clean = graphOf('clean');
    expect(clean.some((f) => f.startsWith('pipelines/transform/'))).toBe(false);
    expect(clean.some((f) => f.startsWith('pipelines/runner/run'))).toBe(false);
    expect(clean).not.toContain('pipelines/runner/stage.ts'); // imported as `import type`
    for (const s of STAGES) expect(codeGraph(s.module).filter((f) => f.startsWith('raw/') || f.startsWith('node_modules/') || f === 'package.json')).toEqual([]);
  });
});

describe('a changed helper or reference file reruns the stages that use it (project copy)', () => {
  const root = mkdtempSync(join(tmpdir(), 'code-graph-project-'));
  for (const d of ['pipelines', 'schemas', 'sql', 'reference', 'econometrics', 'cli', 'raw']) cpSync(join(PROJECT, d), join(root, d), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json']) cpSync(join(PROJECT, f), join(root, f));
  symlinkSync(join(PROJECT, 'node_modules'), join(root, 'node_modules'));
  const out = join(root, 'warehouse');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const build = () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'cli', 'pipeline.ts'), '--raw', join(root, 'raw'), '--out', out], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const record = JSON.parse(readFileSync(join(out, 'run_results.json'), 'utf8')) as { stages: Array<{ stage: string; status: string; reason: string }> };
    return Object.fromEntries(record.stages.map((s) => [s.stage, s]));
  };
  const aiW = async () => (await queryWarehouse<{ m: number }>(out, 'SELECT max(AI_w) AS m FROM w.panel'))[0].m;

  it('winsorize.ts (imported by transform from the engine) changed: transform and warehouse rerun, AI_w changes', async () => {
    build();
    const before = await aiW();
    const helper = join(root, 'econometrics', 'stats', 'winsorize.ts');
    const text = readFileSync(helper, 'utf8');
    // a different quantile rule: the order statistic below
    const changed = text.replace('return sorted[Math.min(Math.max(j, 0), n - 1)];', 'return sorted[Math.min(Math.max(j - 1, 0), n - 1)];');
    expect(changed).not.toBe(text);
    writeFileSync(helper, changed);
    const stages = build();
    expect(stages.clean.status).toBe('skipped');
    expect(stages.derive.status).toBe('skipped');
    expect(stages.transform).toMatchObject({ status: 'ran', reason: 'code or SQL changed' });
    expect(stages.warehouse.status).toBe('ran');
    expect(await aiW()).not.toBe(before);
  });

  it('a reference CSV changed: ingest and harmonize rerun', () => {
    build(); // the copy as it is now, whichever test ran before
    const crosswalk = join(root, 'reference', 'crosswalk.csv');
    writeFileSync(crosswalk, readFileSync(crosswalk, 'utf8').replace('地级巢湖市撤销', '地级巢湖市撤销 '));
    const stages = build();
    expect(stages.ingest).toMatchObject({ status: 'ran', reason: 'code or SQL changed' });
    expect(stages.harmonize).toMatchObject({ status: 'ran', reason: expect.stringContaining('code or SQL changed') });
    // the parts' views are identified by the code that made them, so the stages after rerun too
    expect(stages.warehouse.status).toBe('ran');
  });
});
