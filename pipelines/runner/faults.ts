// Named points where a test can make the pipeline die, deterministically, as a kill would: the environment
// variable PIPELINE_FAULT names one point ("after:clean", "warehouse:temp-written", "swap:journal-written",
// "swap:half-renamed"), and the process SIGKILLs itself when it reaches it. Atomicity is tested this way on a
// fast or a slow machine alike, never by timing a kill. Unset (every real run), a point costs one comparison.
const FAULT = process.env.PIPELINE_FAULT;

/** The points the runner and the publishing stage pass, in the order a build reaches them. */
export const FAULT_POINTS = ['after:ingest', 'after:harmonize', 'after:clean', 'after:derive', 'after:transform',
  'warehouse:temp-written', 'swap:journal-written', 'swap:half-renamed'] as const;

export function faultPoint(name: (typeof FAULT_POINTS)[number]): void {
  if (FAULT === name) process.kill(process.pid, 'SIGKILL');
}
