// A mutation score from a random sample of mutants (see TESTING.md). A whole Stryker run over the engine is
// ~8,000 mutants at ~6 s each on this 2-core machine (about 13 hours); a seeded sample of a few hundred gives the
// score within a stated margin in under an hour.
//
//   node --import tsx scripts/mutation/sample.ts engine|pipeline [--nodes N] [--seed S] [--concurrency C] [--relist]
//   (--relist after adding files; a changed file is noticed and relisted by itself)
//
// 1. List every mutant of the scope (Stryker with a test command that always passes: no test runs), cached in
//    reports/mutation/<scope>-all.json.
// 2. Draw N mutated AST nodes uniformly at random (seeded); a node carries all the mutants Stryker makes of it,
//    so the sample is a cluster sample and the score a ratio estimate with a cluster standard error.
// 3. Run Stryker's real run (stryker.<scope>.config.json) with the `sample` ignorer
//    (scripts/mutation/sample-ignorer.mjs), which leaves every other mutant out.
// 4. Print the score by folder and every surviving mutant, as a Markdown table for TESTING.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { PROJECT_ROOT } from '../../pipelines/core/paths.ts';

interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}
interface Report { files: Record<string, { source: string; mutants: ReportMutant[] }> }

const REPORTS = join(PROJECT_ROOT, 'reports', 'mutation');
const STRYKER = join(PROJECT_ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');

const nodeKey = (file: string, m: ReportMutant) =>
  `${file}:${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column}`;

function runStryker(config: string, env: NodeJS.ProcessEnv): void {
  const r = spawnSync(process.execPath, [STRYKER, 'run', config], { cwd: PROJECT_ROOT, stdio: 'inherit', env });
  if (r.status !== 0) throw new Error(`stryker run ${config} exited with ${r.status}`);
}

function listMutants(scope: string, base: Record<string, unknown>, relist: boolean): Report {
  const out = join(REPORTS, `${scope}-all.json`);
  // A listing is stale when a listed file changed: its node positions no longer name the same code.
  const stale = existsSync(out) && Object.entries((JSON.parse(readFileSync(out, 'utf8')) as Report).files)
    .some(([file, f]) => !existsSync(join(PROJECT_ROOT, file)) || readFileSync(join(PROJECT_ROOT, file), 'utf8') !== f.source);
  if (relist || stale || !existsSync(out)) {
    const config = join(REPORTS, `${scope}-list.config.json`);
    writeFileSync(config, JSON.stringify({
      testRunner: 'command', commandRunner: { command: 'true' }, coverageAnalysis: 'off',
      mutate: base.mutate, reporters: ['json'], jsonReporter: { fileName: out },
      concurrency: 2, checkers: [], incremental: false, tempDirName: '.stryker-tmp', cleanTempDir: 'always',
    }, null, 2));
    runStryker(config, process.env);
  }
  return JSON.parse(readFileSync(out, 'utf8')) as Report;
}

/** The folder a file is reported under: econometrics/models, econometrics (files at the top), pipelines/ingest… */
function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : parts[0];
}

interface Tally { nodes: Map<string, { killed: number; valid: number }> }

/** Ratio estimate of killed/valid over sampled nodes, with the cluster (linearised) standard error. */
function estimate(t: Tally): { killed: number; valid: number; score: number; se: number } {
  const units = [...t.nodes.values()].filter((u) => u.valid > 0);
  const killed = units.reduce((s, u) => s + u.killed, 0);
  const valid = units.reduce((s, u) => s + u.valid, 0);
  const n = units.length;
  const score = valid ? killed / valid : NaN;
  const mean = valid / n;
  const varSum = units.reduce((s, u) => s + (u.killed - score * u.valid) ** 2, 0);
  const se = n > 1 ? Math.sqrt(varSum / (n * (n - 1))) / mean : NaN;
  return { killed, valid, score, se };
}

function summarise(result: Report, total: Report, sampled: Set<string>): string {
  const detected = new Set(['Killed', 'Timeout']);
  const counted = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);
  const byFolder = new Map<string, Tally>();
  const all: Tally = { nodes: new Map() };
  const survivors: string[] = [];
  const statusCount: Record<string, number> = {};
  for (const [file, f] of Object.entries(result.files)) {
    const lines = f.source.split('\n');
    for (const m of f.mutants) {
      const key = nodeKey(file, m);
      if (!sampled.has(key)) continue;
      statusCount[m.status] = (statusCount[m.status] ?? 0) + 1;
      const folder = folderOf(file);
      if (!byFolder.has(folder)) byFolder.set(folder, { nodes: new Map() });
      for (const t of [byFolder.get(folder)!, all]) {
        const u = t.nodes.get(key) ?? { killed: 0, valid: 0 };
        if (counted.has(m.status)) u.valid++;
        if (detected.has(m.status)) u.killed++;
        t.nodes.set(key, u);
      }
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        const code = lines[m.location.start.line - 1]?.trim().slice(0, 70) ?? '';
        survivors.push(`| ${file}:${m.location.start.line} | ${m.status} | ${m.mutatorName} → \`${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 40)}\` | \`${code}\` |`);
      }
    }
  }
  const totalMutants = Object.values(total.files).reduce((s, f) => s + f.mutants.length, 0);
  const row = (name: string, t: Tally) => {
    const e = estimate(t);
    const pct = (v: number) => (100 * v).toFixed(1);
    return `| ${name} | ${t.nodes.size} | ${e.valid} | ${e.killed} | ${pct(e.score)} % | ± ${pct(1.96 * e.se)} |`;
  };
  return [
    `Mutants in scope: ${totalMutants}; sampled nodes: ${sampled.size}; statuses: ${JSON.stringify(statusCount)}`,
    '',
    '| folder | nodes | mutants counted | killed | score | 95 % margin |',
    '|---|---|---|---|---|---|',
    ...[...byFolder.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, t]) => row(k, t)),
    row('**all**', all),
    '',
    '| survivor | status | mutation | code |',
    '|---|---|---|---|',
    ...survivors.sort(),
  ].join('\n');
}

const program = new Command()
  .argument('<scope>', 'engine | pipeline')
  .option('--nodes <n>', 'AST nodes to sample', '300')
  .option('--seed <n>', 'random seed', '20261129')
  .option('--concurrency <n>', 'Stryker test runners', '1')
  .option('--relist', 'list the mutants again (after the code changed)')
  .option('--summary-only', 'summarise the last sampled run without running it');
program.parse();
const scope = program.args[0];
if (scope !== 'engine' && scope !== 'pipeline') throw new Error(`scope must be engine or pipeline, not '${scope}'`);
const opts = program.opts<{ nodes: string; seed: string; concurrency: string; relist?: boolean; summaryOnly?: boolean }>();
mkdirSync(REPORTS, { recursive: true });

const baseConfig = JSON.parse(readFileSync(join(PROJECT_ROOT, `stryker.${scope}.config.json`), 'utf8')) as Record<string, unknown>;
const total = listMutants(scope, baseConfig, Boolean(opts.relist));

// Draw the nodes: a seeded partial Fisher–Yates shuffle of the distinct mutated nodes, in a stable order.
const keys = [...new Set(Object.entries(total.files).flatMap(([file, f]) => f.mutants.map((m) => nodeKey(file, m))))].sort();
const rng = xoroshiro128plus(Number(opts.seed));
const want = Math.min(Number(opts.nodes), keys.length);
for (let i = 0; i < want; i++) {
  const j = uniformInt(rng, i, keys.length - 1);
  [keys[i], keys[j]] = [keys[j], keys[i]];
}
const sampled = new Set(keys.slice(0, want));
const samplePath = join(REPORTS, `${scope}-sample.json`);
const resultPath = join(REPORTS, `${scope}-sample-result.json`);

if (!opts.summaryOnly) {
  writeFileSync(samplePath, JSON.stringify({ seed: Number(opts.seed), nodes: [...sampled] }, null, 1));
  const config = join(REPORTS, `${scope}-sample.config.json`);
  writeFileSync(config, JSON.stringify({
    ...baseConfig,
    $schema: undefined,
    plugins: ['@stryker-mutator/*', join(PROJECT_ROOT, 'scripts', 'mutation', 'sample-ignorer.mjs')],
    ignorers: ['sample'],
    concurrency: Number(opts.concurrency),
    reporters: ['json', 'progress-append-only'],
    jsonReporter: { fileName: resultPath },
    incrementalFile: join(REPORTS, `${scope}-sample-incremental.json`),
  }, null, 2));
  runStryker(config, { ...process.env, MUTATION_SAMPLE: samplePath, ...(scope === 'pipeline' ? { MUTATION_SCOPE: 'pipeline' } : {}) });
}
const summary = summarise(JSON.parse(readFileSync(resultPath, 'utf8')) as Report, total, sampled);
writeFileSync(join(REPORTS, `${scope}-sample-summary.md`), summary + '\n');
console.log(summary);
