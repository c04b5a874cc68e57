// What the harmonize stage hands to later stages besides tables.
import { handoffKey } from '../runner/stage.ts';

/** One harmonized part (one raw file) of this build, as the warehouse's meta_parts records it. */
export interface WarehousePart {
  part: string;
  file: string;
  file_sha256: string;
  /** the harmonized part (Parquet) holding the file's rows */
  path: string;
}

/** The harmonized parts of this run, in file order. */
export const HARMONIZED_PARTS = handoffKey<WarehousePart[]>('harmonized parts');
