#!/usr/bin/env tsx
// Command-line entry: `npm run --silent cli -- <command> ...`. Each command lives in cli/commands/<name>.ts
// and exports `register(program)`. Input problems (InputError) print one line and exit 2.
import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../econometrics/io/load.ts';

const program = new Command();
program.name('cli').description('Panel econometrics on the warehouse: fe, iv, threshold').showHelpAfterError();

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
for (const file of readdirSync(commandsDir).filter((f) => f.endsWith('.ts')).sort()) {
  const mod = await import(join(commandsDir, file));
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
