// The import rules of ARCHITECTURE.md, checked on the sources: data flows one way through the stages, the
// runner knows stages only through pipelines/stages.ts, the engine's base does no I/O.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAGES } from '../pipelines/stages.ts';

const ROOT = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Every import of a file (type-only ones included): project-relative targets, and bare package names. */
function imports(file: string): { local: string[]; packages: string[] } {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
  const local = specs.filter((s) => s.startsWith('.')).map((s) => relative(ROOT, resolve(dirname(join(ROOT, file)), s)));
  return { local, packages: specs.filter((s) => !s.startsWith('.')) };
}

const order = STAGES.map((s) => s.name);
const stageOf = (path: string): string | undefined => {
  const m = /^pipelines\/([^/]+)\//.exec(path);
  return m && order.includes(m[1]) ? m[1] : undefined;
};

describe('import rules', () => {
  it('no stage imports from a later stage', () => {
    const bad: string[] = [];
    for (const file of sources('pipelines')) {
      const from = stageOf(file);
      if (!from) continue;
      for (const target of imports(file).local) {
        const to = stageOf(target);
        if (to && order.indexOf(to) > order.indexOf(from)) bad.push(`${file} → ${target}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the runner and the shared modules know stages only through pipelines/stages.ts', () => {
    const bad = [...sources('pipelines/runner'), ...sources('pipelines/core')]
      .flatMap((file) => imports(file).local.filter((t) => stageOf(t) !== undefined).map((t) => `${file} → ${t}`));
    expect(bad).toEqual([]);
  });

  it('the engine base imports no I/O, no CLI and nothing of the pipeline', () => {
    const bad: string[] = [];
    for (const file of sources('econometrics')) {
      const { local, packages } = imports(file);
      for (const t of local) if (!t.startsWith('econometrics/')) bad.push(`${file} → ${t}`);
      if (file.startsWith('econometrics/io/')) continue;
      for (const t of local) if (t.startsWith('econometrics/io/')) bad.push(`${file} → ${t}`);
      for (const p of packages) if (/^(@duckdb|commander|node:fs|node:child_process|apache-arrow)/.test(p)) bad.push(`${file} → ${p}`);
      if (/process\.exit|process\.argv/.test(readFileSync(join(ROOT, file), 'utf8'))) bad.push(`${file} uses process.exit/argv`);
    }
    expect(bad).toEqual([]);
  });

  it('schemas and reference data depend on nothing but schemas', () => {
    const bad = [...sources('schemas'), ...sources('reference')]
      .flatMap((file) => imports(file).local.filter((t) => !t.startsWith('schemas/') && !t.startsWith('reference/')).map((t) => `${file} → ${t}`));
    expect(bad).toEqual([]);
  });

  it('the estimation stage reads the warehouse, not the other stages', () => {
    const bad = sources('pipelines/estimate')
      .flatMap((file) => imports(file).local.filter((t) => stageOf(t) !== undefined || t.startsWith('pipelines/runner/')).map((t) => `${file} → ${t}`));
    expect(bad).toEqual([]);
  });
});
