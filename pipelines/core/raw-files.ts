// The one list of raw files, for the runner's change detection and the ingest stage alike (one folder, one
// list, whether a build is incremental or --full). It holds regular files inside the raw folder only:
//  - a symbolic link counts as the file (or folder) it points to when that is inside the raw folder;
//  - a link out of the raw folder, a broken link, a link loop, a FIFO, a socket or a device is refused with one
//    line naming it, before anything is read (nothing outside the raw folder is opened or hashed, and nothing
//    that could block or never end is read);
//  - hidden names (.x) and Excel lock files (~$x.xlsx) are skipped.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, realpathSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DataError } from './errors.ts';

export interface RawFile {
  /** relative to the raw folder, '/' separated, NFC (what registry patterns are matched against) */
  path: string;
  /** the real path to open: the file itself, or the target of a link */
  real: string;
  size: number;
  mtimeMs: number;
  /** identity of the listed file: a file swapped for another between listing and reading is refused */
  dev: number;
  ino: number;
}

/** Files in the raw folder that document the data rather than feed the ingest stage. */
export const DOCUMENTATION_FILE = /(^|\/)(TRUTH\.md|truth\.json|README[^/]*)$/i;

/** The user's unit aliases (pipelines/harmonize/aliases.ts): read by the harmonize stage, not a data file of the
 *  registry, but an input of the build like the registry itself. */
export const USER_ALIASES_FILE = 'aliases.csv';

const skippedName = (name: string) => name.startsWith('.') || name.startsWith('~$');

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'something that is neither a file nor a folder';
}

/** A link target as written, for a message (it may be long or hold control characters). */
function shownTarget(link: string): string {
  let target: string;
  try {
    target = readlinkSync(link);
  } catch {
    return '?';
  }
  const t = target.replace(/[\x00-\x1f\x7f]+/g, ' ');
  return t.length > 120 ? `${t.slice(0, 120)}… (${t.length} characters)` : t;
}

const refuse = (path: string, expected: string) => new DataError({ file: path }, expected);

/** Every regular file of the raw folder, sorted by path; throws a DataError for the first entry it refuses. */
export function listRawFiles(rawDir: string): RawFile[] {
  const root = realpathSync(rawDir);
  const inside = (p: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
  const out: RawFile[] = [];

  // `dir` is a real path; `ancestors` are the real folders being walked, to refuse a link back up the tree
  const walk = (dir: string, rel: string, ancestors: Set<string>): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      throw refuse(rel || '.', `expected a readable folder, got ${(e as NodeJS.ErrnoException).code ?? 'an error'}`);
    }
    for (const name of names) {
      if (skippedName(name)) continue;
      const path = (rel ? `${rel}/${name}` : name).normalize('NFC');
      const abs = join(dir, name);
      let st = lstatSync(abs);
      let real = abs;
      let viaLink = '';
      if (st.isSymbolicLink()) {
        try {
          real = realpathSync(abs);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ELOOP') throw refuse(path, 'expected a file inside the raw folder, got a symbolic link loop');
          if (code === 'ENOENT') throw refuse(path, `expected a file inside the raw folder, got a broken symbolic link (to ${shownTarget(abs)})`);
          throw refuse(path, `expected a file inside the raw folder, got a symbolic link that cannot be resolved (${code})`);
        }
        if (!inside(real)) throw refuse(path, `expected a file inside the raw folder, got a symbolic link to ${shownTarget(abs)} (outside the raw folder)`);
        st = lstatSync(real);
        viaLink = 'a symbolic link to ';
      }
      if (st.isDirectory()) {
        if (ancestors.has(real)) {
          throw refuse(path, `expected a file inside the raw folder, got a symbolic link loop (back to ${relative(root, real).split(sep).join('/') || 'the raw folder itself'})`);
        }
        walk(real, path, new Set([...ancestors, real]));
      } else if (st.isFile()) {
        out.push({ path, real, size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino });
      } else {
        throw refuse(path, `expected a regular file, got ${viaLink}${kindOf(st)}`);
      }
    }
  };
  walk(root, '', new Set([root]));
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

// Opening never follows a link (the listed real path is opened) and never blocks (a FIFO put in place of a file
// after listing would otherwise wait forever for a writer); the type and identity are checked on the open file.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** The bytes of a listed file; refused if it is no longer the regular file that was listed or is over `maxBytes`. */
export function readRawFile(file: RawFile, maxBytes = Infinity): Buffer {
  let fd: number;
  try {
    fd = openSync(file.real, OPEN_FLAGS);
  } catch (e) {
    throw refuse(file.path, `expected a readable file, got ${(e as NodeJS.ErrnoException).code ?? 'an error'} (changed while the run was reading the raw folder?)`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw refuse(file.path, `expected a regular file, got ${kindOf(st)} (changed while the run was reading the raw folder)`);
    if (st.dev !== file.dev || st.ino !== file.ino) throw refuse(file.path, 'expected the file that was listed, got another one (changed while the run was reading the raw folder)');
    if (st.size > maxBytes) throw refuse(file.path, `expected at most ${maxBytes} bytes, the file has ${st.size}`);
    const buf = Buffer.alloc(st.size);
    let at = 0;
    while (at < buf.length) {
      const n = readSync(fd, buf, at, buf.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return at === buf.length ? buf : buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}
