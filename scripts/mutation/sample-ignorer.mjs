// A Stryker ignorer plugin that keeps only the sampled mutants (scripts/mutation/sample.ts writes the sample and
// names it in MUTATION_SAMPLE). Plain JavaScript: Stryker imports plugins in its worker processes too, where no
// TypeScript loader runs.
//
// A sampled unit is one AST node (all the mutants Stryker makes of it). Stryker's ignorer bookkeeping ignores a
// node together with everything under it; a sampled node can sit under one that is not sampled, so the
// bookkeeper is changed to decide node by node.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PluginKind, declareClassPlugin } from '@stryker-mutator/api/plugin';

const require = createRequire(import.meta.url);
const instrumenterDir = dirname(require.resolve('@stryker-mutator/instrumenter/package.json'));
const { IgnorerBookkeeper } = await import(
  pathToFileURL(join(instrumenterDir, 'dist/src/transformers/ignorer-bookkeeper.js')).href
);
const NODE_ONLY = 'not in the mutation sample';
const enterNode = IgnorerBookkeeper.prototype.enterNode;
IgnorerBookkeeper.prototype.enterNode = function (path) {
  if (this.activeIgnored?.message === NODE_ONLY) this.activeIgnored = undefined;
  enterNode.call(this, path);
};

const samplePath = process.env.MUTATION_SAMPLE;
const sample = samplePath ? new Set(JSON.parse(readFileSync(samplePath, 'utf8')).nodes) : null;

/** The node's key as scripts/mutation/sample.ts writes it: file:line:column-line:column, columns from 1. */
function keyOf(path) {
  const file = relative(process.cwd(), path.hub?.file?.opts?.filename ?? '').split('\\').join('/');
  const { start, end } = path.node.loc ?? { start: { line: 0, column: -1 }, end: { line: 0, column: -1 } };
  return `${file}:${start.line}:${start.column + 1}-${end.line}:${end.column + 1}`;
}

class SampleIgnorer {
  shouldIgnore(path) {
    if (!sample) return undefined;
    return sample.has(keyOf(path)) ? undefined : NODE_ONLY;
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Ignore, 'sample', SampleIgnorer)];
