// The raw folder as the pipeline sees it (one list for change detection and ingest,
// pipelines/core/raw-files.ts), through the CLI: a link out of the raw folder, a link to /dev/zero, a FIFO and
// link loops are refused with one line and exit code 2, --dry-run included, nothing outside the raw folder is
// hashed or recorded, and the warehouse built before stays byte-identical. A link inside the raw folder is read
// as the file it points to: the incremental and the full build give the panel of the bundled files.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../../pipelines/runner/run.ts';
import { copySampleRaw, newOutDir, panelHash, runCli, warehouseFiles } from '../../helpers/rebuild.ts';

const YB2016 = 'yearbook/中国城市统计年鉴2016.xlsx';

let raw: string;
let out: string;
let before: Record<string, string | null>;
let resultsBefore: string;
let panel0: { hash: string; rows: number };
const added: string[] = [];

beforeAll(async () => {
  raw = copySampleRaw('rawfiles');
  out = newOutDir('rawfiles');
  await runPipeline({ rawDir: raw, outDir: out, log: () => {} });
  before = warehouseFiles(out);
  panel0 = await panelHash(out);
  resultsBefore = readFileSync(join(out, 'run_results.json'), 'utf8');
});

afterAll(() => {
  for (const d of [raw, out]) if (d) rmSync(d, { recursive: true, force: true });
});

afterEach(() => {
  for (const p of added.splice(0)) rmSync(join(raw, p), { recursive: true, force: true });
});

const add = (path: string) => {
  added.push(path);
  return join(raw, path);
};

/** The CLI on the raw copy, with --dry-run and without: exit 2, `error: <line>` on stderr, the warehouse as it was. */
function refused(line: string): void {
  const recorded = readFileSync(join(out, 'run_results.json'), 'utf8');
  const dry = runCli(['--raw', raw, '--out', out, '--dry-run']);
  expect({ status: dry.status, stderr: dry.stderr }).toEqual({ status: 2, stderr: `error: ${line}\n` });
  expect(readFileSync(join(out, 'run_results.json'), 'utf8')).toBe(recorded);

  const r = runCli(['--raw', raw, '--out', out]);
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: `error: ${line}\n` });
  expect(warehouseFiles(out)).toEqual(before);
  const results = JSON.parse(readFileSync(join(out, 'run_results.json'), 'utf8'));
  expect(results.status).toBe('failed');
  expect(results.error).toBe(line);
  // the refused run hashed nothing: its record holds no input outside the bundled files
  expect(results.stages.flatMap((s: { inputs: Array<{ path?: string }> }) => s.inputs.map((i) => i.path)).filter(Boolean)).toEqual([]);
}

describe('refused with one line, exit code 2, warehouse untouched', () => {
  it('a link to a folder outside the raw folder (raw/etc -> /etc): nothing under /etc is read or recorded', () => {
    symlinkSync('/etc', add('etc'));
    refused('file etc: expected a file inside the raw folder, got a symbolic link to /etc (outside the raw folder)');
    expect(readFileSync(join(out, 'run_results.json'), 'utf8')).not.toMatch(/shadow|passwd/);
  });

  it('a link to /dev/zero', () => {
    symlinkSync('/dev/zero', add('zero'));
    refused('file zero: expected a file inside the raw folder, got a symbolic link to /dev/zero (outside the raw folder)');
  });

  it('a FIFO where a workbook is expected (it would block the reader, even of --dry-run)', () => {
    execFileSync('mkfifo', [add('yearbook/中国城市统计年鉴2030.xlsx')]);
    refused('file yearbook/中国城市统计年鉴2030.xlsx: expected a regular file, got a FIFO (named pipe)');
  });

  it('link loops: a link to itself, a folder link back up the tree', () => {
    symlinkSync('loop', add('loop'));
    refused('file loop: expected a file inside the raw folder, got a symbolic link loop');
    rmSync(join(raw, 'loop'));
    symlinkSync('..', add('eps/up'));
    refused('file eps/up: expected a file inside the raw folder, got a symbolic link loop (back to the raw folder itself)');
  });
});

describe('a link inside the raw folder is the file it points to', () => {
  let incOut: string;
  let fullOut: string;

  afterAll(() => {
    for (const d of [incOut, fullOut]) if (d) rmSync(d, { recursive: true, force: true });
    // the bundled layout back
    rmSync(join(raw, YB2016));
    renameSync(join(raw, 'archive', '2016.xlsx'), join(raw, YB2016));
    rmSync(join(raw, 'archive'), { recursive: true });
  });

  it('same panel incrementally and with --full; the file no source reads is named in one warning', async () => {
    mkdirSync(join(raw, 'archive'));
    renameSync(join(raw, YB2016), join(raw, 'archive', '2016.xlsx'));
    symlinkSync('../archive/2016.xlsx', join(raw, YB2016));

    incOut = newOutDir('rawfiles-inc');
    cpSync(out, incOut, { recursive: true });
    const inc = runCli(['--raw', raw, '--out', incOut]);
    expect(inc.stderr).toBe('');
    expect(inc.status).toBe(0);
    const ingestLine = inc.stdout.split('\n').filter((l) => l.startsWith('ingest'));
    expect(ingestLine).toHaveLength(1);
    // (how many files are read again depends on whether code changed since the baseline: not asserted)
    expect(ingestLine[0]).toMatch(/\(16 files, .*; warning: 1 file no registry source reads: archive\/2016\.xlsx\)$/);
    expect(await panelHash(incOut)).toEqual(panel0);
    const inputs = JSON.parse(readFileSync(join(incOut, 'run_results.json'), 'utf8')).stages[0].inputs;
    const baseInputs = JSON.parse(resultsBefore).stages[0].inputs;
    expect(inputs.find((i: { path: string }) => i.path === YB2016)).toEqual(baseInputs.find((i: { path: string }) => i.path === YB2016));

    fullOut = newOutDir('rawfiles-full');
    const full = await runPipeline({ rawDir: raw, outDir: fullOut, full: true, log: () => {} });
    expect(full.status).toBe('success');
    expect(await panelHash(fullOut)).toEqual(panel0);
  });
});
