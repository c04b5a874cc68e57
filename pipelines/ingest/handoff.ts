// What the ingest stage hands to later stages besides tables.
import { handoffKey } from '../runner/stage.ts';

/** One raw file's ingest part: its cache key, the Parquet part, the file and its sha256. */
export interface StagedPart {
  key: string;
  path: string;
  file: string;
  sha256: string;
}

/** The ingest parts of this run, in file order. */
export const STAGED_PARTS = handoffKey<StagedPart[]>('staged parts');
