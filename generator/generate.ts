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
import { Command, InvalidArgumentError } from 'commander';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_YEARS, buildTruth, DEFAULT_SEED } from './truth.ts';
import { loadCities, PANEL_LAST_YEAR, provinces, reportedUnits } from '../reference/index.ts';
import type { OutputFile, UnitDirectory } from './write-common.ts';
import { renderSample } from './write-sample.ts';
import { PROJECT_ROOT } from '../pipelines/core/paths.ts';

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

/** The command line (`npm run sample -- --help`): usage errors are one line with exit code 2, as in cli/. */
async function main(argv: string[]): Promise<void> {
  const integer = (value: string) => {
    if (!/^\s*[+-]?\d+\s*$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('expected an integer');
    return Number(value);
  };
  const program = new Command()
    .showHelpAfterError(false)
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .name('sample')
    .description('Regenerate the synthetic sample: yearbook, EPS and vendor files, truth.json, TRUTH.md, sources.json')
    .option('--out <dir>', 'folder to write', REPO_RAW)
    .option('--seed <n>', 'seed of the data-generating process (same seed → byte-identical files)', integer, DEFAULT_SEED)
    .option('--next-edition', 'also write the data year 2023 (the 2024 yearbook edition)')
    .action((opts: { out: string; seed: number; nextEdition?: boolean }) => {
      const args = { out: resolve(opts.out), seed: opts.seed, nextEdition: Boolean(opts.nextEdition) };
      const t0 = performance.now();
      const { files, skipped } = writeSample(args);
      const bytes = files.reduce((s, f) => s + f.data.length, 0);
      console.log(
        `sample: seed ${args.seed}, ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB → ${args.out}` +
          `${skipped ? ` (${skipped} observations without a printed unit)` : ''} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    });
  await program.parseAsync(argv);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv);
}
