#!/usr/bin/env tsx
// Command-line entry: `npm run --silent cli -- <command> ...`. Each command lives in cli/commands/<name>.ts
// and exports `register(program)`. Input problems (InputError) print one line and exit 2.
import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError } from '../econometrics/errors.ts';
import { strictCommand } from './option-parsers.ts';

const program = new Command();
// usage errors are one line with exit code 2 in every subcommand (they inherit this)
strictCommand(program).name('cli').description('Panel econometrics on the warehouse: fe, iv, threshold');

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
// .ts from the sources (tsx), .js when compiled (dist/)
for (const file of readdirSync(commandsDir).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts')).sort()) {
  const mod = await import(pathToFileURL(join(commandsDir, file)).href);
  mod.register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof InputError) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
