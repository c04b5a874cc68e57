#!/usr/bin/env tsx
// `npm run estimate`: every table of the paper from the warehouse (and only the warehouse) into results/.
import { Command, Option } from 'commander';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitOnKnownError } from './exit.ts';
import { integer, strictCommand } from './option-parsers.ts';
import { EstimateSettings } from '../pipelines/estimate/settings.ts';
import { buildResults } from '../pipelines/estimate/results.ts';
import { writeReports } from '../pipelines/estimate/write.ts';

const choices = EstimateSettings.shape;
const program = strictCommand(new Command())
  .name('estimate')
  .description('Reproduce the paper\u2019s tables from the warehouse into results/ (tables.json, table1..7 .md/.csv, report.html)')
  .option('--warehouse <path>', 'the warehouse database', 'warehouse/warehouse.duckdb')
  .option('--out <dir>', 'results folder', 'results')
  .option('--truth <path>', 'truth.json of the bundled sample, for the truth-vs-estimate table (skipped if absent)', 'raw/truth.json')
  .option('--bootstrap <n>', 'bootstrap replications of the threshold tests', integer({ min: 0 }))
  .option('--seed <n>', 'seed of every bootstrap', integer())
  .addOption(new Option('--threshold-method <m>', 'xthreg (paper) or hansen').choices(choices.thresholdMethod.unwrap().options))
  .addOption(new Option('--r2 <which>', 'R² printed in the tables: full (paper) or within').choices(choices.r2Printed.unwrap().options))
  .action(async (opts) => {
    const settings = EstimateSettings.parse(Object.fromEntries(Object.entries({
      bootstrap: opts.bootstrap, seed: opts.seed, thresholdMethod: opts.thresholdMethod, r2Printed: opts.r2,
    }).filter(([, v]) => v !== undefined)));
    const t0 = performance.now();
    const { results, timings } = await buildResults(opts.warehouse, settings, (line) => process.stdout.write(line + '\n'));
    const truth = existsSync(opts.truth) ? JSON.parse(readFileSync(opts.truth, 'utf8')) : undefined;
    mkdirSync(opts.out, { recursive: true });
    writeReports(opts.out, results, settings, truth);
    writeFileSync(join(opts.out, 'timings.json'), JSON.stringify(timings, null, 1) + '\n');
    process.stdout.write(`estimate   done in ${((performance.now() - t0) / 1000).toFixed(2)} s → ${opts.out}/\n`);
  });

await program.parseAsync(process.argv).catch(exitOnKnownError);
