// Hansen's (1999) investment data and the published numbers (test/fixtures/data, see its README).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadFrame } from '../../econometrics/io/load.ts';
import { type ThresholdOptions, type ThresholdResult, fitThreshold, thresholdColumns } from '../../econometrics/models/threshold.ts';

export const HANSEN_DATA = fileURLToPath(new URL('../fixtures/data/hansen1999.csv', import.meta.url));
export const HANSEN_PUBLISHED = fileURLToPath(new URL('../fixtures/data/hansen1999-published.json', import.meta.url));

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
