// Every command answers --help without a stack trace, refuses an unknown option, and refuses a bad value with
// one line naming the option, the value and what is allowed (exit code 2) before doing any work.
import { describe, expect, it } from 'vitest';
import { runScript, stderrLines } from './helpers.ts';

// name, script, subcommand, and the required options (commander checks those before unknown ones)
const COMMANDS: Array<[string, string, string[], string[]]> = [
  ['query', 'cli/query.ts', [], []],
  ['export', 'cli/export.ts', [], ['--out', 'x.csv']],
  ['estimate', 'cli/estimate.ts', [], []],
  ['pipeline', 'cli/pipeline.ts', [], []],
  ['sample', 'generator/generate.ts', [], []],
  ['cli', 'cli/engine.ts', [], []],
  ['cli fe', 'cli/engine.ts', ['fe'], ['--formula', 'y ~ x']],
  ['cli iv', 'cli/engine.ts', ['iv'], ['--formula', 'y ~ x']],
  ['cli threshold', 'cli/engine.ts', ['threshold'], ['--formula', 'y ~ x | id', '--time', 't', '--regime', 'x', '--threshold-var', 'x']],
];

describe('--help', () => {
  it.each(COMMANDS)('%s --help prints the usage and exits 0', (name, script, sub) => {
    const r = runScript(script, [...sub, '--help']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^Usage: ${name} `));
  });
});

describe('unknown options', () => {
  it.each(COMMANDS)('%s --bogus: one line, exit code 2', (_name, script, sub, required) => {
    const r = runScript(script, [...sub, ...required, '--bogus']);
    expect(r.status).toBe(2);
    expect(stderrLines(r)).toEqual(["error: unknown option '--bogus'"]);
    expect(r.stdout).toBe('');
  });
});

// a threshold model needs these before it looks at its options' values
const THRESHOLD = ['threshold', '--data', 'x.csv', '--formula', 'y ~ x | id', '--time', 't', '--regime', 'x', '--threshold-var', 'x'];

describe('bad values', () => {
  it.each<[string, string, string[], string]>([
    ['estimate --r2 adj', 'cli/estimate.ts', ['--r2', 'adj'], "error: option '--r2 <which>' argument 'adj' is invalid. Allowed choices are full, within."],
    ['estimate --seed x', 'cli/estimate.ts', ['--seed', 'x'], "error: option '--seed <n>' argument 'x' is invalid. expected an integer"],
    ['estimate --threshold-method stata', 'cli/estimate.ts', ['--threshold-method', 'stata'], "error: option '--threshold-method <m>' argument 'stata' is invalid. Allowed choices are xthreg, hansen."],
    ['estimate --bootstrap -5', 'cli/estimate.ts', ['--bootstrap', '-5'], "error: option '--bootstrap <n>' argument '-5' is invalid. expected an integer ≥ 0"],
    ['pipeline --max-gap abc', 'cli/pipeline.ts', ['--max-gap', 'abc'], "error: option '--max-gap <years>' argument 'abc' is invalid. expected an integer ≥ 0"],
    ['pipeline --edge-carry 1.5', 'cli/pipeline.ts', ['--edge-carry', '1.5'], "error: option '--edge-carry <years>' argument '1.5' is invalid. expected an integer ≥ 0"],
    ['pipeline --eco gdp', 'cli/pipeline.ts', ['--eco', 'gdp'], "error: option '--eco <formula>' argument 'gdp' is invalid. Allowed choices are land_area, per_capita."],
    ['pipeline with an argument', 'cli/pipeline.ts', ['raw'], 'error: too many arguments. Expected 0 arguments but got 1.'],
    ['sample --seed x', 'generator/generate.ts', ['--seed', 'x'], "error: option '--seed <n>' argument 'x' is invalid. expected an integer"],
    ['query --max-rows many', 'cli/query.ts', ['--max-rows', 'many', 'SELECT 1'], "error: option '--max-rows <n>' argument 'many' is invalid. expected an integer ≥ 0"],
    ['query --format xml', 'cli/query.ts', ['--format', 'xml', 'SELECT 1'], "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are table, csv, tsv, json, markdown, parquet."],
    ['query without SQL', 'cli/query.ts', [], "error: missing required argument 'sql' (or --list)"],
    ['export --years 2015-2011', 'cli/export.ts', ['--out', 'x.dta', '--years', '2015-2011'], "error: option '--years <range>' argument '2015-2011' is invalid. expected the first year not after the last"],
    ['cli threshold --method stata', 'cli/engine.ts', [...THRESHOLD, '--method', 'stata'], "error: option '--method <m>' argument 'stata' is invalid. Allowed choices are hansen, xthreg."],
    ['cli threshold --vce hc3', 'cli/engine.ts', [...THRESHOLD, '--vce', 'hc3'], "error: option '--vce <type>' argument 'hc3' is invalid. Allowed choices are conventional, robust, cluster."],
    ['cli nope', 'cli/engine.ts', ['nope'], "error: unknown command 'nope'"],
  ])('%s', (_name, script, args, message) => {
    const r = runScript(script, args);
    expect(r.status).toBe(2);
    expect(stderrLines(r)).toEqual([message]);
    expect(r.stdout).toBe('');
  });
});
