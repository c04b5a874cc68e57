/**
 * `npm run sample [-- --out DIR] [--seed N] [--next-edition]`
 *
 * Builds the sample truth (generator/truth.ts) and writes the raw files a user with real exports would have:
 *   yearbook/中国城市统计年鉴{2012..2023}.xlsx, eps/*.xlsx, vendor/ai_enterprises.csv,
 * plus truth.json and TRUTH.md (the data-generating process and its parameters) and sources.json (the source
 * registry describing these files; copied from raw/sources.json when writing elsewhere).
 * --next-edition also writes the data year 2023: the 2024 yearbook edition, a 2023 column in the EPS
 * exports and 2023 rows in the vendor panel (units as printed in 2022: no administrative change after 2022).
 * Same seed → byte-identical files.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_YEARS, buildTruth, DEFAULT_SEED } from './truth.ts';
import { loadCities, PANEL_LAST_YEAR, provinces, reportedUnits } from '../reference/index.ts';
import type { OutputFile, UnitDirectory } from './write-common.ts';
import { renderSample } from './write-sample.ts';
import { PROJECT_ROOT } from '../pipelines/shared/paths.ts';

export { BASE_YEARS, DEFAULT_SEED };
const REPO_RAW = join(PROJECT_ROOT, 'raw');

/** Administrative units from the reference data; years after the last reference year print as in that year. */
export function referenceDirectory(): UnitDirectory {
  return {
    reportedUnits: (year) => reportedUnits(Math.min(year, PANEL_LAST_YEAR)),
    provinces: () => provinces(),
    cities: () => loadCities(),
  };
}

export function writeSample(opts: { out: string; seed?: number; nextEdition?: boolean }): { files: OutputFile[]; skipped: number } {
  const seed = opts.seed ?? DEFAULT_SEED;
  const years = opts.nextEdition ? [...BASE_YEARS, 2023] : [...BASE_YEARS];
  const truth = buildTruth({ seed, years });
  const rendered = renderSample(truth, referenceDirectory());
  for (const f of rendered.files) {
    const full = join(opts.out, ...f.path.split('/'));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, f.data);
  }
  const registry = join(opts.out, 'sources.json');
  const bundled = join(REPO_RAW, 'sources.json');
  if (resolve(registry) !== resolve(bundled) && existsSync(bundled)) copyFileSync(bundled, registry);
  return rendered;
}

function parseArgs(argv: string[]): { out: string; seed: number; nextEdition: boolean } {
  let out = REPO_RAW;
  let seed = DEFAULT_SEED;
  let nextEdition = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') out = resolve(argv[++i] ?? '');
    else if (a === '--seed') {
      seed = Number(argv[++i]);
      if (!Number.isInteger(seed)) throw new Error(`--seed: expected an integer, got '${argv[i]}'`);
    } else if (a === '--next-edition') nextEdition = true;
    else throw new Error(`unknown option '${a}' (expected --out DIR, --seed N, --next-edition)`);
  }
  return { out, seed, nextEdition };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const { files, skipped } = writeSample(args);
  const bytes = files.reduce((s, f) => s + f.data.length, 0);
  console.log(
    `sample: seed ${args.seed}, ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB → ${args.out}` +
      `${skipped ? ` (${skipped} observations without a printed unit)` : ''} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}
