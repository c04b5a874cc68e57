// The one list of raw files (change detection and ingest): regular files inside the raw folder; links resolved
// and kept inside it; FIFOs, sockets, devices, links out, broken links and loops refused with one line.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../pipelines/core/errors.ts';
import { listRawFiles, readRawFile } from '../../../pipelines/core/raw-files.ts';

function rawFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'raw-files-'));
  mkdirSync(join(dir, 'raw', 'yearbook'), { recursive: true });
  writeFileSync(join(dir, 'raw', 'yearbook', 'a.xlsx'), 'A');
  writeFileSync(join(dir, 'raw', 'sources.json'), '{}');
  return join(dir, 'raw');
}

const paths = (raw: string) => listRawFiles(raw).map((f) => f.path);

/** The refusal of listing `raw`: a DataError whose one line is returned. */
function refusal(raw: string): string {
  try {
    listRawFiles(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    expect((e as Error).message).not.toMatch(/[\r\n]/);
    return (e as Error).message;
  }
  throw new Error('expected the listing to be refused');
}

describe('listRawFiles', () => {
  it('lists regular files, sorted, "/"-separated and NFC; hidden names and Excel lock files skipped', () => {
    const raw = rawFolder();
    writeFileSync(join(raw, '.DS_Store'), 'x');
    writeFileSync(join(raw, 'yearbook', '~$a.xlsx'), 'x');
    mkdirSync(join(raw, '.git'));
    writeFileSync(join(raw, '.git', 'x'), 'x');
    // a name written decomposed (as macOS may) is listed composed, and still read from its real name
    writeFileSync(join(raw, 'yearbook', 'Cafe\u0301.csv'), 'C');
    const files = listRawFiles(raw);
    expect(files.map((f) => f.path)).toEqual(['sources.json', 'yearbook/Caf\u00e9.csv', 'yearbook/a.xlsx']);
    expect(readRawFile(files[1]).toString()).toBe('C');
  });

  it('a symbolic link to a file or folder inside the raw folder counts as that file, under the link name', () => {
    const raw = rawFolder();
    mkdirSync(join(raw, 'archive'));
    writeFileSync(join(raw, 'archive', 'b.xlsx'), 'B');
    symlinkSync('../archive/b.xlsx', join(raw, 'yearbook', 'b.xlsx'));
    symlinkSync('archive', join(raw, 'current'));
    const files = listRawFiles(raw);
    expect(files.map((f) => f.path)).toEqual(['archive/b.xlsx', 'current/b.xlsx', 'sources.json', 'yearbook/a.xlsx', 'yearbook/b.xlsx']);
    expect(files.map((f) => readRawFile(f).toString())).toEqual(['B', 'B', '{}', 'A', 'B']);
  });

  it('a symbolic link out of the raw folder is refused, naming the link and its target; nothing is read', () => {
    const raw = rawFolder();
    symlinkSync('/etc', join(raw, 'etc'));
    expect(refusal(raw)).toBe('file etc: expected a file inside the raw folder, got a symbolic link to /etc (outside the raw folder)');
  });

  it('a link to /dev/zero (outside) is refused, and so is a device reached through the raw folder', () => {
    const raw = rawFolder();
    symlinkSync('/dev/zero', join(raw, 'yearbook', 'zero.xlsx'));
    expect(refusal(raw)).toBe('file yearbook/zero.xlsx: expected a file inside the raw folder, got a symbolic link to /dev/zero (outside the raw folder)');
  });

  it('a link that climbs out through ".." is outside', () => {
    const raw = rawFolder();
    writeFileSync(join(raw, '..', 'secret.txt'), 's');
    symlinkSync('../../secret.txt', join(raw, 'yearbook', 'x.csv'));
    expect(refusal(raw)).toMatch(/^file yearbook\/x\.csv: .*symbolic link to \.\.\/\.\.\/secret\.txt \(outside the raw folder\)$/);
  });

  it('a FIFO is refused without opening it (it would block), directly or through a link', () => {
    const raw = rawFolder();
    execFileSync('mkfifo', [join(raw, 'yearbook', 'pipe.xlsx')]);
    expect(refusal(raw)).toBe('file yearbook/pipe.xlsx: expected a regular file, got a FIFO (named pipe)');
    renameSync(join(raw, 'yearbook', 'pipe.xlsx'), join(raw, 'pipe'));
    symlinkSync('../pipe', join(raw, 'yearbook', 'pipe.xlsx'));
    expect(refusal(raw)).toBe('file pipe: expected a regular file, got a FIFO (named pipe)');
  });

  it('a socket is refused', async () => {
    const raw = rawFolder();
    const server = createServer();
    await new Promise<void>((res) => server.listen(join(raw, 'sock'), res));
    try {
      expect(refusal(raw)).toBe('file sock: expected a regular file, got a socket');
    } finally {
      server.close();
    }
  });

  it('link loops are refused: links that point at each other, and a folder link back up the tree', () => {
    const raw = rawFolder();
    symlinkSync('b', join(raw, 'yearbook', 'c'));
    symlinkSync('c', join(raw, 'yearbook', 'b'));
    expect(refusal(raw)).toBe('file yearbook/b: expected a file inside the raw folder, got a symbolic link loop');
    const raw2 = rawFolder();
    symlinkSync('..', join(raw2, 'yearbook', 'up'));
    expect(refusal(raw2)).toBe('file yearbook/up: expected a file inside the raw folder, got a symbolic link loop (back to the raw folder itself)');
  });

  it('a broken link is refused', () => {
    const raw = rawFolder();
    symlinkSync('gone.xlsx', join(raw, 'yearbook', 'b.xlsx'));
    expect(refusal(raw)).toBe('file yearbook/b.xlsx: expected a file inside the raw folder, got a broken symbolic link (to gone.xlsx)');
  });

  it('the raw folder may itself be reached through a link', () => {
    const raw = rawFolder();
    const link = join(raw, '..', 'raw-link');
    symlinkSync(raw, link);
    expect(paths(link)).toEqual(['sources.json', 'yearbook/a.xlsx']);
  });
});

describe('readRawFile', () => {
  it('refuses a file replaced after it was listed (by another file or by a FIFO), without blocking', () => {
    const raw = rawFolder();
    const [, a] = listRawFiles(raw);
    writeFileSync(join(raw, 'yearbook', 'a2.xlsx'), 'A2');
    renameSync(join(raw, 'yearbook', 'a2.xlsx'), join(raw, 'yearbook', 'a.xlsx'));
    expect(() => readRawFile(a)).toThrow('file yearbook/a.xlsx: expected the file that was listed, got another one (changed while the run was reading the raw folder)');
    const [, again] = listRawFiles(raw);
    renameSync(join(raw, 'yearbook', 'a.xlsx'), join(raw, 'a.old'));
    execFileSync('mkfifo', [join(raw, 'yearbook', 'a.xlsx')]);
    expect(() => readRawFile(again)).toThrow('file yearbook/a.xlsx: expected a regular file, got a FIFO (named pipe) (changed while the run was reading the raw folder)');
  });

  it('refuses a file over the size given', () => {
    const raw = rawFolder();
    const [, a] = listRawFiles(raw);
    expect(() => readRawFile(a, 0)).toThrow('file yearbook/a.xlsx: expected at most 0 bytes, the file has 1');
  });
});
