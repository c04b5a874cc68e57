// Worker entry: runs a block of bootstrap replications and posts the F* arrays back.
import { parentPort, workerData } from 'node:worker_threads';
import { type BootstrapSpec, runReplications } from './bootstrap.ts';

const { spec, ranges } = workerData as { spec: BootstrapSpec; ranges: Array<[number, number]> };
const result = runReplications(spec, ranges);
parentPort!.postMessage(
  result,
  result.map((a) => a.buffer as ArrayBuffer),
);
