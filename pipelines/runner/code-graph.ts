// A stage's code, derived from its imports: the modules its entry reaches through runtime imports (`import type`
// is erased and does not count), plus the data files those modules name (SQL, reference CSV/JSON). Nothing here
// is kept by hand, so a helper imported three levels down or a reference CSV is part of the fingerprint.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT, SQL_DIR } from '../core/paths.ts';
import { sha256 } from './fingerprint.ts';

const DIST = join(PROJECT_ROOT, 'dist') + sep;

/** The TypeScript source of a module, whether `url` is the source itself or its compiled copy under dist/. */
export function sourceOf(url: string): string {
  const path = url.startsWith('file:') ? fileURLToPath(url) : resolve(url);
  if (path.startsWith(DIST)) return join(PROJECT_ROOT, path.slice(DIST.length)).replace(/\.js$/, '.ts');
  return path;
}

// `import x from '…'`, `import { a, type B } from '…'`, `export * from '…'`, `import '…'` — not `import type …`
const STATIC_IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g;
// a data file named by a string literal, e.g. an SQL file under sql/ or a reference CSV next to its loader
const DATA_LITERAL = /['"`]([\w./-]+\.(?:sql|csv|json))['"`]/g;

function resolveModule(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null; // a package: its version is in the run record
  const path = resolve(dirname(from), spec);
  const candidates = [path.replace(/\.js$/, '.ts'), `${path}.ts`, join(path, 'index.ts'), path].filter((p) => /\.[cm]?[jt]s$/.test(p));
  return candidates.find((p) => existsSync(p) && statSync(p).isFile()) ?? null;
}

function resolveData(from: string, literal: string): string | null {
  const candidates = literal.startsWith('.')
    ? [resolve(dirname(from), literal)]
    : [join(dirname(from), literal), join(SQL_DIR, literal), join(PROJECT_ROOT, literal)];
  // the raw folder is the stage's input, not its code; package versions are in the run record
  const outside = [join(PROJECT_ROOT, 'raw') + sep, join(PROJECT_ROOT, 'node_modules') + sep, join(PROJECT_ROOT, 'package.json')];
  return candidates.find((p) => p.startsWith(PROJECT_ROOT + sep) && !outside.some((o) => p.startsWith(o)) && existsSync(p) && statSync(p).isFile()) ?? null;
}

const graphCache = new Map<string, string[]>();

/** Project-relative paths of every module `entry` reaches at run time and every data file they name, sorted. */
export function codeGraph(entry: string): string[] {
  const start = sourceOf(entry);
  const cached = graphCache.get(start);
  if (cached) return cached;
  const seen = new Set<string>();
  const data = new Set<string>();
  const queue = [start];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const specs: string[] = [];
    for (const m of text.matchAll(STATIC_IMPORT)) if (!m[1]) specs.push(m[2]);
    for (const m of text.matchAll(DYNAMIC_IMPORT)) specs.push(m[1] ?? m[2]);
    // only modules are followed; other files named by `new URL(…)` are data (below)
    for (const spec of specs) {
      const target = resolveModule(file, spec);
      if (target && target.startsWith(PROJECT_ROOT + sep) && !target.includes(`${sep}node_modules${sep}`)) queue.push(target);
    }
    for (const m of text.matchAll(DATA_LITERAL)) {
      const target = resolveData(file, m[1]);
      if (target) data.add(target);
    }
  }
  const out = [...seen, ...data].map((p) => relative(PROJECT_ROOT, p).split(sep).join('/')).sort();
  graphCache.set(start, out);
  return out;
}

const hashCache = new Map<string, string>();

/** Hash of the bytes of every file in the code graph of the given entries (module URLs or paths). */
export function codeFingerprint(...entries: string[]): string {
  const files = [...new Set(entries.flatMap(codeGraph))].sort();
  const key = files.join('\n');
  let h = hashCache.get(key);
  if (!h) {
    h = sha256(files.map((f) => `${f} ${sha256(readFileSync(join(PROJECT_ROOT, f)))}`).join('\n'));
    hashCache.set(key, h);
  }
  return h;
}

/** Forget cached graphs and hashes (tests that change a file between runs in one process). */
export function clearCodeGraphCache(): void {
  graphCache.clear();
  hashCache.clear();
}
