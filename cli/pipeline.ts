#!/usr/bin/env tsx
// `npm run pipeline -- [--raw DIR] [--out DIR] [--stage NAME] [--json] [settings]`: raw spreadsheets → warehouse.
// Exit codes: 0 built or nothing to do, 2 bad input (one line naming file, sheet and cell), 3 another run holds the
// lock, 1 anything else (a bug or the machine: the stack trace is printed).
import { Command, Option } from 'commander';
import { formatChanges } from '../pipelines/runner/run-record.ts';
import { runPipeline, type RunRecord } from '../pipelines/runner/run.ts';
import { STAGES } from '../pipelines/stages.ts';
import { exitOnKnownError } from './exit.ts';
import { integer, strictCommand } from './option-parsers.ts';
import { PipelineSettings } from '../schemas/settings.ts';

const EXIT = { done: 0, internal: 1, badInput: 2, lockBusy: 3 } as const;

/** The errors cli/exit.ts reports as bad input (one line, exit 2); the lock is told apart (exit 3). */
const BAD_INPUT = new Set(['DataError', 'IngestError', 'HarmonizeError', 'InputError', 'ZodError']);

type Status = 'built' | 'nothing to do' | 'dry run' | 'bad input' | 'lock busy' | 'internal error';

/** The one JSON object `--json` prints: for schedulers. */
function summary(status: Status, exitCode: number, record: RunRecord | undefined, error: string | null, dirs: { raw: string; out: string }): Record<string, unknown> {
  return {
    status,
    exit_code: exitCode,
    run_id: record?.run_id ?? null,
    started_at: record?.started_at ?? null,
    ended_at: record?.ended_at ?? null,
    raw_dir: record?.raw_dir ?? dirs.raw,
    out_dir: record?.out_dir ?? dirs.out,
    full: record?.full ?? null,
    stages: (record?.stages ?? []).map((s) => ({
      stage: s.stage, status: s.status, reason: s.reason, seconds: Number(s.seconds.toFixed(3)), rows: s.report?.rows ?? null, error: s.error ?? null,
    })),
    changes: record?.changes ?? null,
    recovered: record?.recovered ?? [],
    error,
  };
}

/** A run that finished: built when its last stage ran (for a whole build, the warehouse was written). */
function outcome(record: RunRecord): Status {
  if (record.status === 'dry-run') return 'dry run';
  return record.stages.at(-1)?.status === 'ran' ? 'built' : 'nothing to do';
}

function failure(e: unknown): { status: Status; code: number } {
  const name = e instanceof Error ? e.name : '';
  if (name === 'LockError') return { status: 'lock busy', code: EXIT.lockBusy };
  if (BAD_INPUT.has(name)) return { status: 'bad input', code: EXIT.badInput };
  return { status: 'internal error', code: EXIT.internal };
}

const choices = PipelineSettings.shape;
const program = strictCommand(new Command())
  .name('pipeline')
  .description(`Build the warehouse from the raw files. Stages: ${STAGES.map((s) => `${s.name} (${s.does})`).join('; ')}. `
    + 'Exit codes: 0 built or nothing to do, 2 bad input, 3 another run is building the same folder, 1 internal error.')
  .option('--raw <dir>', 'folder with the raw spreadsheets and the source registry', 'raw')
  .option('--out <dir>', 'warehouse folder', 'warehouse')
  .addOption(new Option('--stage <name>', 'run one stage and the stages it needs').choices(STAGES.map((s) => s.name)))
  .addOption(new Option('--merge-policy <policy>', 'boundary changes: merge a predecessor into its successor, or drop it').choices(choices.mergePolicy.unwrap().options))
  .option('--full', 'rebuild every stage, ignoring fingerprints')
  .option('--dry-run', 'print which stages would run and why; change nothing')
  .option('--json', 'print only the run summary as one JSON object (status, stages, changes) on stdout, for schedulers')
  .option('--edge-carry <years>', 'years carried at the edges of a series', integer({ min: 0 }))
  .option('--max-gap <years>', 'longest interior gap interpolated (longer gaps stay missing)', integer({ min: 0 }))
  .addOption(new Option('--eco <formula>', 'Eco as GDP per land area (paper) or per capita').choices(choices.ecoFormula.unwrap().options))
  .addOption(new Option('--split-rule <rule>', 'high/low heterogeneity split').choices(choices.splitRule.unwrap().options))
  .action(async (opts) => {
    const settings = Object.fromEntries(
      Object.entries({ mergePolicy: opts.mergePolicy, edgeCarry: opts.edgeCarry, maxInterpolatedGap: opts.maxGap, ecoFormula: opts.eco, splitRule: opts.splitRule })
        .filter(([, v]) => v !== undefined),
    );
    const json = Boolean(opts.json);
    const dirs = { raw: opts.raw as string, out: opts.out as string };
    const t0 = performance.now();
    let record: RunRecord | undefined;
    try {
      record = await runPipeline({
        rawDir: opts.raw, outDir: opts.out, stage: opts.stage, settings, full: opts.full, dryRun: opts.dryRun,
        ...(json ? { log: () => {}, progress: false } : {}),
        onRecord: (r) => { record = r; },
      });
    } catch (e) {
      const { status, code } = failure(e);
      if (json) process.stdout.write(`${JSON.stringify(summary(status, code, record, e instanceof Error ? e.message : String(e), dirs))}\n`);
      if (code === EXIT.lockBusy) {
        process.stderr.write(`error: ${(e as Error).message}\n`);
        process.exit(code);
      }
      throw e;
    }
    if (json) {
      process.stdout.write(`${JSON.stringify(summary(outcome(record), EXIT.done, record, null, dirs))}\n`);
      return;
    }
    if (record.changes) for (const line of formatChanges(record.changes)) process.stdout.write(`${line}\n`);
    process.stdout.write(`pipeline   done in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
  });

await program.parseAsync(process.argv).catch(exitOnKnownError);
