/** Write raw/truth.json and raw/TRUTH.md from buildTruth (usage: tsx generator/write-truth.ts [seed]). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildTruth } from './truth.ts';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../pipelines/core/paths.ts';

const seedArg = process.argv[2];
const truth = buildTruth(seedArg ? { seed: Number(seedArg) } : {});
const dir = pathToFileURL(join(PROJECT_ROOT, 'raw') + '/');
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('truth.json', dir), JSON.stringify(truth.truthJson, null, 2) + '\n');
writeFileSync(new URL('TRUTH.md', dir), truth.truthMd);
console.log(`raw/truth.json, raw/TRUTH.md written (seed ${truth.seed}, ${truth.city.length} city observations, ${truth.province.length} provincial)`);
