// Helpers for the end-to-end rebuild, atomicity and bad-input tests: a private copy of the bundled raw files,
// fingerprints of the warehouse files, read-only queries on a built warehouse, spreadsheet edits, and the CLI
// as a child process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as XLSX from 'xlsx';
import { StageDb, sqlString } from '../../pipelines/core/db.ts';
import { PANEL_FILES, WAREHOUSE_FILE } from '../../pipelines/warehouse/index.ts';
import { SAMPLE_RAW } from './sample-warehouse.ts';
import { nodeArgs } from './command.ts';

export const PROJECT = resolve(import.meta.dirname, '..', '..');
export const SWAPPED_FILES = [WAREHOUSE_FILE, ...PANEL_FILES];

/** A private copy of the bundled raw folder (the tests corrupt files in it). */
export function copySampleRaw(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-raw-`));
  cpSync(SAMPLE_RAW, dir, { recursive: true });
  return dir;
}

export const newOutDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `${prefix}-out-`));

/** sha256 of every file a build swaps in (warehouse.duckdb, panel.parquet, panel.arrow); absent files as null. */
export function warehouseFiles(outDir: string): Record<string, string | null> {
  return Object.fromEntries(SWAPPED_FILES.map((f) => {
    const p = join(outDir, f);
    return [f, existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : null];
  }));
}

/** Rows of a query against a built warehouse, attached read-only as `w` (the file is not modified). */
export async function queryWarehouse<T = Record<string, unknown>>(outDir: string, sql: string): Promise<T[]> {
  const db = await StageDb.open();
  try {
    await db.run(`ATTACH ${sqlString(join(outDir, WAREHOUSE_FILE))} AS w (READ_ONLY)`);
    return await db.rows<T>(sql);
  } finally {
    db.close();
  }
}

/** Order-independent content hash of the warehouse's panel table, and its row count. */
export async function panelHash(outDir: string): Promise<{ hash: string; rows: number }> {
  const [r] = await queryWarehouse<{ h: string; n: bigint }>(outDir, 'SELECT sum(hash(t))::VARCHAR AS h, count(*) AS n FROM w.panel t');
  return { hash: r.h, rows: Number(r.n) };
}

/** The same hash over panel.parquet (what R/Python/Stata users read). */
export async function parquetPanelHash(outDir: string): Promise<{ hash: string; rows: number }> {
  const db = await StageDb.open();
  try {
    const [r] = await db.rows<{ h: string; n: bigint }>(
      `SELECT sum(hash(t))::VARCHAR AS h, count(*) AS n FROM read_parquet(${sqlString(join(outDir, 'panel.parquet'))}) t`);
    return { hash: r.h, rows: Number(r.n) };
  } finally {
    db.close();
  }
}

/** Read a workbook, let `edit` change it, write it back as xlsx. */
export function editWorkbook(path: string, edit: (wb: XLSX.WorkBook) => void): void {
  const wb = XLSX.read(readFileSync(path), { cellStyles: false });
  edit(wb);
  writeFileSync(path, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
}

/** Every cell of a sheet as [address, cell]. */
export function cells(ws: XLSX.WorkSheet): Array<[string, XLSX.CellObject]> {
  return Object.entries(ws).filter(([k]) => !k.startsWith('!')) as Array<[string, XLSX.CellObject]>;
}

/** Row (1-based) of the first cell of column A whose text, spaces removed, equals `text`. */
export function rowOf(ws: XLSX.WorkSheet, text: string): number {
  for (const [addr, c] of cells(ws)) {
    if (/^A\d+$/.test(addr) && String(c.v ?? '').replace(/[\s\u3000]/g, '') === text) return Number(addr.slice(1));
  }
  throw new Error(`no row '${text}' in column A`);
}

export { encodeGbk } from './gbk.ts';

const CLI = nodeArgs('cli/pipeline.ts');

/** The pipeline CLI to completion: exit code, stdout, stderr. */
export function runCli(args: string[], env: Record<string, string> = {}): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: PROJECT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The pipeline CLI as a child process, its stdout collected as it arrives. */
export function startCli(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString('utf8'); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString('utf8'); });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { child, output: () => out, exited };
}

/** Resolves when the child's output matches `pattern` (true), or when it exits first (false). */
export function waitForOutput(p: ReturnType<typeof startCli>, pattern: RegExp): Promise<boolean> {
  return new Promise((res) => {
    const check = () => {
      if (pattern.test(p.output())) {
        p.child.stdout!.off('data', check);
        res(true);
      }
    };
    p.child.stdout!.on('data', check);
    void p.exited.then(() => res(pattern.test(p.output())));
    check();
  });
}
