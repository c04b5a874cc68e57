// Progress of the estimation stage's long steps (the threshold bootstraps, the mediation bootstrap): a bar on
// standard error when it is a terminal, nothing otherwise (a log, a pipe, the tests), so the output stays the same.
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  /** a step of `total` units of work begins */
  start(step: string, total: number): void;
  /** one unit done */
  tick(): void;
  /** the step is over: the bar is erased before anything else is printed */
  stop(): void;
}

export const NO_PROGRESS: Progress = { start() {}, tick() {}, stop() {} };

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return NO_PROGRESS;
  let bar: SingleBar | undefined;
  return {
    start(step, total) {
      bar?.stop();
      bar = undefined;
      if (total < 2) return; // a one-model step would only flash
      bar = new SingleBar({ stream, format: `${step.padEnd(24)} [{bar}] {value}/{total} {duration}s`, clearOnComplete: true, hideCursor: true },
        Presets.shades_classic);
      bar.start(total, 0);
    },
    tick() {
      bar?.increment();
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
