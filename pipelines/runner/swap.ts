// The journaled swap that makes publishing atomic: complete new files are written into a temporary folder, a
// journal naming them is written (the commit point), then they are renamed into place. A run killed before the
// journal leaves the previous files as they were; one killed after it is rolled forward by the next run.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { faultPoint } from './faults.ts';

const JOURNAL = '.swap.json';

/** The commit point: from here on the new files replace the old ones, even if this process dies. */
export function commitSwap(outDir: string, tmp: string, files: string[]): void {
  const journal = join(outDir, JOURNAL);
  writeFileSync(journal + '.new', JSON.stringify({ tmp, files }));
  renameSync(journal + '.new', journal);
  faultPoint('swap:journal-written');
  finishSwap(outDir, tmp, files, () => faultPoint('swap:half-renamed'));
}

function finishSwap(outDir: string, tmp: string, files: string[], afterFirst: () => void = () => {}): void {
  // the database last: it is what readers open first. A write-ahead log left next to the previous database
  // (a run killed while recording itself in the runs table) belongs to that file: it must not be replayed
  // into the new one
  for (const file of files) {
    if (!existsSync(join(tmp, file))) continue;
    if (file.endsWith('.duckdb')) rmSync(join(outDir, `${file}.wal`), { force: true });
    renameSync(join(tmp, file), join(outDir, file));
    if (file === files[0]) afterFirst();
  }
  rmSync(join(outDir, JOURNAL), { force: true });
}

/** Complete a swap that a killed run had committed to (its journal exists). Returns true if one was completed. */
export function recoverSwap(outDir: string): boolean {
  const journal = join(outDir, JOURNAL);
  if (!existsSync(journal)) return false;
  let pending: { tmp: string; files: string[] };
  try {
    pending = JSON.parse(readFileSync(journal, 'utf8'));
  } catch {
    rmSync(journal, { force: true });
    return false;
  }
  finishSwap(outDir, pending.tmp, pending.files);
  rmSync(pending.tmp, { recursive: true, force: true });
  return true;
}

/** A run killed mid-write leaves a .tmp-* folder behind: remove those whose process is gone. */
export function removeStaleTemps(outDir: string): void {
  if (!existsSync(outDir)) return;
  for (const name of readdirSync(outDir)) {
    const m = /^\.tmp-(\d+)-/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (!alive) rmSync(join(outDir, name), { recursive: true, force: true });
  }
}
