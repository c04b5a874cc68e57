// SQL mutants (part of `npm run test:mutation`, see TESTING.md): each plants one bug in a file under sql/, runs
// the test files that should catch it, and restores the file. Stryker mutates TypeScript only; this is the same
// idea for the SQL the stages run. Prints one line per mutant and the score; exit code 1 if any survived.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../pipelines/core/paths.ts';

interface SqlMutant {
  name: string;
  file: string;
  find: string;
  replace: string;
  tests: string[];
}

const CLEAN = 'test/pipelines/clean/index.test.ts';
const DERIVE = 'test/pipelines/derive/index.test.ts';
const TRANSFORM = 'test/pipelines/transform/index.test.ts';
const RUN = 'test/pipelines/runner/run.test.ts';
const HARMONIZE = 'test/pipelines/harmonize/parts-equivalence.test.ts';
// every fixed indicator is required: only a user indicator (not required) tells the drop rule's join apart
const EXTRA = 'test/pipelines/ingest/extra-indicators.test.ts';

export const MUTANTS: SqlMutant[] = [
  { name: 'interpolation weights reversed', file: 'sql/clean/impute.sql',
    find: 'prev_value + (next_value - prev_value) * (year - prev_year) / (next_year - prev_year)',
    replace: 'prev_value + (next_value - prev_value) * (next_year - year) / (next_year - prev_year)', tests: [CLEAN] },
  { name: 'interpolation over any gap length (max_gap filter dropped)', file: 'sql/clean/impute.sql',
    find: 'next_year - prev_year - 1 <= ${max_gap}\n      THEN', replace: 'TRUE\n      THEN', tests: [CLEAN] },
  { name: 'scope filter dropped (市辖区 values mixed into 全市)', file: 'sql/clean/normalize.sql',
    find: "WHERE (h.scope IS NULL OR h.scope = '全市')", replace: 'WHERE TRUE', tests: [CLEAN, RUN] },
  { name: 'merged parts summed even when one is missing', file: 'sql/clean/normalize.sql',
    find: 'CASE WHEN count(h.value) = count(*) THEN sum(h.value * f.factor) END', replace: 'sum(h.value * f.factor)', tests: [CLEAN] },
  { name: 'drop rule over every indicator (required_indicators join removed)', file: 'sql/clean/drops.sql',
    find: '  JOIN dim_city c USING (city_code)\n  JOIN required_indicators r USING (indicator)\n  WHERE v.value IS NULL\n),',
    replace: '  JOIN dim_city c USING (city_code)\n  WHERE v.value IS NULL\n),', tests: [CLEAN, RUN, EXTRA] },
  { name: 'provincial series joined without the year', file: 'sql/derive/derive.sql',
    find: 'LEFT JOIN province_wide p ON p.province_code = c.province_code AND p.year = w.year',
    replace: 'LEFT JOIN province_wide p ON p.province_code = c.province_code', tests: [DERIVE] },
  { name: 'dropped cities kept in the panel (kept filter dropped)', file: 'sql/transform/transform.sql',
    find: 'FROM derived\nWHERE kept', replace: 'FROM derived\nWHERE TRUE', tests: [TRANSFORM, RUN] },
  { name: 'dropped units kept by harmonize', file: 'sql/harmonize/apply.sql',
    find: 'WHERE NOT m.dropped', replace: 'WHERE TRUE', tests: [HARMONIZE, RUN] },
];

function runTests(tests: string[]): boolean {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...tests],
    { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return r.status === 0;
}

let killed = 0;
for (const m of MUTANTS) {
  const path = join(PROJECT_ROOT, m.file);
  const original = readFileSync(path, 'utf8');
  if (!original.includes(m.find)) throw new Error(`${m.file}: the text of mutant '${m.name}' is not there any more; update scripts/mutation/sql-mutants.ts`);
  writeFileSync(path, original.replace(m.find, m.replace));
  let passed: boolean;
  try {
    passed = runTests(m.tests);
  } finally {
    writeFileSync(path, original);
  }
  if (!passed) killed++;
  console.log(`${passed ? 'SURVIVED' : 'killed  '}  ${m.file}: ${m.name}`);
}
console.log(`SQL mutants: ${killed} of ${MUTANTS.length} killed (${((100 * killed) / MUTANTS.length).toFixed(0)} %)`);
process.exitCode = killed === MUTANTS.length ? 0 : 1;
