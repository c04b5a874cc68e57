// Hansen's (1999) investment data and the published numbers, read in place from ../shared (never copied).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadFrame } from '../../estimation/data/load.ts';
import { type ThresholdOptions, type ThresholdResult, fitThreshold, thresholdColumns } from '../../estimation/models/threshold.ts';

export const HANSEN_DATA = resolve('../shared/data/hansen1999.csv');
export const HANSEN_PUBLISHED = resolve('../shared/data/hansen1999-published.json');

/** Whether the reference files are there; prints why the suite is skipped when they are not. */
export function hansenDataPresent(what: string): boolean {
  const present = existsSync(HANSEN_DATA) && existsSync(HANSEN_PUBLISHED);
  if (!present) console.warn(`skipping ${what}: ${HANSEN_DATA} or ${HANSEN_PUBLISHED} not found`);
  return present;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const readPublished = (): any => JSON.parse(readFileSync(HANSEN_PUBLISHED, 'utf8'));

/** The model every reproduction starts from: investment on Tobin's q terms, threshold in d1, regime c1. */
export const HANSEN_MODEL = {
  formula: 'i ~ q1 + q2 + q3 + d1 + qd1 | id',
  time: 'year',
  regime: 'c1',
  thresholdVar: 'd1',
  trim: [0.01, 0.01, 0.05],
  bootstrap: 0,
} satisfies Partial<ThresholdOptions>;

export async function fitHansenData(options: ThresholdOptions): Promise<ThresholdResult> {
  const cols = thresholdColumns(options);
  return fitThreshold(await loadFrame({ data: HANSEN_DATA }, cols.numeric, cols.factors), options);
}
