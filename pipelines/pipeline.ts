// Runs the stages in order on one in-memory database; the warehouse stage writes the files.
import { SingleBar, Presets } from 'cli-progress';
import { PipelineSettings } from '../schemas/settings.ts';
import type { StageReport } from './context.ts';
import { StageDb } from './db.ts';
import { STAGES } from './stages.ts';

export interface PipelineOptions {
  rawDir: string;
  outDir: string;
  /** run up to and including this stage (its prerequisites are the stages before it) */
  stage?: string;
  settings?: Partial<PipelineSettings>;
  /** print one line per stage (default true) */
  log?: (line: string) => void;
}

export interface StageTiming extends StageReport {
  stage: string;
  seconds: number;
}

export async function runPipeline(options: PipelineOptions): Promise<StageTiming[]> {
  const settings = PipelineSettings.parse(options.settings ?? {});
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const last = options.stage ?? STAGES[STAGES.length - 1].name;
  const upTo = STAGES.findIndex((s) => s.name === last);
  if (upTo < 0) throw new Error(`unknown stage '${last}' (stages: ${STAGES.map((s) => s.name).join(', ')})`);

  const db = await StageDb.open();
  const timings: StageTiming[] = [];
  try {
    for (const stage of STAGES.slice(0, upTo + 1)) {
      let bar: SingleBar | undefined;
      const progress = (done: number, total: number) => {
        if (!process.stdout.isTTY || total < 2) return;
        if (!bar) {
          bar = new SingleBar({ format: `${stage.name.padEnd(10)} [{bar}] {value}/{total}`, clearOnComplete: true }, Presets.shades_classic);
          bar.start(total, 0);
        }
        bar.update(done);
      };
      const t0 = performance.now();
      let report: StageReport;
      try {
        report = await stage.run({ db, settings, rawDir: options.rawDir, outDir: options.outDir, progress });
      } finally {
        bar?.stop();
      }
      const seconds = (performance.now() - t0) / 1000;
      timings.push({ stage: stage.name, seconds, ...report });
      log(formatLine(stage.name, report, seconds));
    }
  } finally {
    db.close();
  }
  return timings;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function formatLine(stage: string, r: StageReport, seconds: number): string {
  const cells = r.cells !== undefined ? `  ${fmt(r.cells)} cells` : '';
  return `${stage.padEnd(10)} ${fmt(r.rows).padStart(9)} rows${cells}  ${seconds.toFixed(2)} s${r.detail ? `  (${r.detail})` : ''}`;
}
