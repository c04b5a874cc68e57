/** All sample files for a truth, in memory: the three layouts plus README.md, truth.json and TRUTH.md. */
import type { SampleTruth } from './types.ts';
import type { OutputFile, UnitDirectory } from './write-common.ts';
import { writeYearbooks } from './write-yearbook.ts';
import { writeEps } from './write-eps.ts';
import { writeVendor } from './write-vendor.ts';
import { rawReadme } from './write-readme.ts';

export function renderSample(truth: SampleTruth, dir: UnitDirectory): { files: OutputFile[]; skipped: number } {
  const parts = [writeYearbooks(truth, dir), writeEps(truth, dir), writeVendor(truth, dir)];
  const files = parts.flatMap((p) => p.files);
  files.push({ path: 'README.md', data: Buffer.from(rawReadme(truth.years), 'utf8') });
  files.push({ path: 'truth.json', data: Buffer.from(`${JSON.stringify(truth.truthJson, null, 2)}\n`, 'utf8') });
  files.push({ path: 'TRUTH.md', data: Buffer.from(truth.truthMd, 'utf8') });
  return { files, skipped: parts.reduce((s, p) => s + p.skipped, 0) };
}
