#!/usr/bin/env tsx
// `npm run pipeline -- [--raw DIR] [--out DIR] [--stage NAME] [--years 2011-2022|2011-latest] [--json] [settings]`: raw spreadsheets → warehouse.
// Exit codes: 0 built or nothing to do, 2 bad input (one line naming file, sheet and cell), 3 another run holds the
// lock, 1 anything else (a bug or the machine: the stack trace is printed).
import { Command, InvalidArgumentError, Option } from 'commander';
import { formatChanges } from '../pipelines/runner/run-record.ts';
import { runPipeline, type RunRecord } from '../pipelines/runner/run.ts';
import { STAGES } from '../pipelines/stages.ts';
import { exitOnKnownError, BAD_INPUT_ERRORS } from './exit.ts';
import { integer, strictCommand } from './option-parsers.ts';
import { PipelineSettings } from '../schemas/settings.ts';
import type { DryRunReport } from '../pipelines/ingest/check.ts';

const EXIT = { done: 0, internal: 1, badInput: 2, lockBusy: 3 } as const;

/** The errors cli/exit.ts reports as bad input (one line, exit 2); the lock is told apart (exit 3). */

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
  if (BAD_INPUT_ERRORS.has(name)) return { status: 'bad input', code: EXIT.badInput };
  return { status: 'internal error', code: EXIT.internal };
}

type PanelYears = { firstYear: number; lastYear?: number };

/** `--years 2011-2022` → firstYear and lastYear; `--years 2011-latest` leaves lastYear unset: the clean stage ends
 *  the panel at the last year every required indicator covers. */
function panelYears(value: string): PanelYears {
  const m = /^\s*(\d{4})\s*-\s*(\d{4}|latest)\s*$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected years like 2011-2022 or 2011-latest');
  const firstYear = Number(m[1]);
  if (m[2] === 'latest') return { firstYear, lastYear: undefined };
  const lastYear = Number(m[2]);
  if (lastYear < firstYear) throw new InvalidArgumentError('expected the first year not after the last');
  return { firstYear, lastYear };
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
  .option('--dry-run', 'check the registry, every file, sheet, header, column and unit, and which source feeds which years; print which stages would run and why; change nothing (exit 2 if the build would stop)')
  .option('--json', 'print only the run summary as one JSON object (status, stages, changes) on stdout, for schedulers')
  .option('--edge-carry <years>', 'years carried at the edges of a series', integer({ min: 0 }))
  .option('--max-gap <years>', 'longest interior gap interpolated (longer gaps stay missing)', integer({ min: 0 }))
  .addOption(new Option('--eco <formula>', 'Eco as GDP per land area (paper) or per capita').choices(choices.ecoFormula.unwrap().options))
  .addOption(new Option('--split-rule <rule>', 'high/low heterogeneity split').choices(choices.splitRule.unwrap().options))
  .option('--years <first-last>', "the panel's years: 2011-2022, or 2011-latest for the last year every required indicator covers (the default when not given)", panelYears)
  .action(async (opts) => {
    const settings = Object.fromEntries(
      Object.entries({ mergePolicy: opts.mergePolicy, edgeCarry: opts.edgeCarry, maxInterpolatedGap: opts.maxGap, ecoFormula: opts.eco, splitRule: opts.splitRule,
        ...(opts.years as PanelYears | undefined) })
        .filter(([, v]) => v !== undefined),
    );
    const json = Boolean(opts.json);
    const dirs = { raw: opts.raw as string, out: opts.out as string };
    const t0 = performance.now();
    let record: RunRecord | undefined;
    // the dry run first checks what can be checked without building: the registry, the files, their headers,
    // columns and units, and which source feeds which years; a problem there is bad input (exit 2)
    let checks: DryRunReport | undefined;
    if (opts.dryRun) {
      const { checkRaw, formatDryRun } = await import('../pipelines/ingest/check.ts');
      checks = await checkRaw({ rawDir: opts.raw, settings: PipelineSettings.parse(settings) });
      if (!json) for (const line of formatDryRun(checks)) process.stdout.write(`${line}\n`);
      if (checks.problems.length > 0) {
        if (json) process.stdout.write(`${JSON.stringify({ ...summary('bad input', EXIT.badInput, undefined, checks.problems[0], dirs), checks })}\n`);
        else process.stderr.write(`error: the build would stop: ${checks.problems.length} problem${checks.problems.length === 1 ? '' : 's'} (listed above), the first: ${checks.problems[0]}\n`);
        process.exit(EXIT.badInput);
      }
      if (!json) process.stdout.write('\nstages\n');
    }
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
      process.stdout.write(`${JSON.stringify({ ...summary(outcome(record), EXIT.done, record, null, dirs), ...(checks ? { checks } : {}) })}\n`);
      return;
    }
    if (record.changes) for (const line of formatChanges(record.changes)) process.stdout.write(`${line}\n`);
    process.stdout.write(`pipeline   done in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
  });

await program.parseAsync(process.argv).catch(exitOnKnownError);
