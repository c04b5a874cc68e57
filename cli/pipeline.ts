#!/usr/bin/env tsx
// `npm run pipeline -- [--raw DIR] [--out DIR] [--stage NAME] [settings]`: raw spreadsheets → warehouse.
import { Command, Option } from 'commander';
import { runPipeline } from '../pipelines/runner/run.ts';
import { STAGES } from '../pipelines/stages.ts';
import { exitOnKnownError } from './exit.ts';
import { integer, strictCommand } from './option-parsers.ts';
import { PipelineSettings } from '../schemas/settings.ts';

const choices = PipelineSettings.shape;
const program = strictCommand(new Command())
  .name('pipeline')
  .description(`Build the warehouse from the raw files. Stages: ${STAGES.map((s) => `${s.name} (${s.does})`).join('; ')}`)
  .option('--raw <dir>', 'folder with the raw spreadsheets and the source registry', 'raw')
  .option('--out <dir>', 'warehouse folder', 'warehouse')
  .addOption(new Option('--stage <name>', 'run one stage and the stages it needs').choices(STAGES.map((s) => s.name)))
  .addOption(new Option('--merge-policy <policy>', 'boundary changes: merge a predecessor into its successor, or drop it').choices(choices.mergePolicy.unwrap().options))
  .option('--full', 'rebuild every stage, ignoring fingerprints')
  .option('--dry-run', 'print which stages would run and why; change nothing')
  .option('--edge-carry <years>', 'years carried at the edges of a series', integer({ min: 0 }))
  .option('--max-gap <years>', 'longest interior gap interpolated (longer gaps stay missing)', integer({ min: 0 }))
  .addOption(new Option('--eco <formula>', 'Eco as GDP per land area (paper) or per capita').choices(choices.ecoFormula.unwrap().options))
  .addOption(new Option('--split-rule <rule>', 'high/low heterogeneity split').choices(choices.splitRule.unwrap().options))
  .action(async (opts) => {
    const settings = Object.fromEntries(
      Object.entries({ mergePolicy: opts.mergePolicy, edgeCarry: opts.edgeCarry, maxInterpolatedGap: opts.maxGap, ecoFormula: opts.eco, splitRule: opts.splitRule })
        .filter(([, v]) => v !== undefined),
    );
    const t0 = performance.now();
    await runPipeline({ rawDir: opts.raw, outDir: opts.out, stage: opts.stage, settings, full: opts.full, dryRun: opts.dryRun });
    process.stdout.write(`pipeline   done in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
  });

await program.parseAsync(process.argv).catch(exitOnKnownError);
