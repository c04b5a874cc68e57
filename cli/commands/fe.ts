// `cli fe`: fixed-effects OLS on a data file or warehouse table.
import type { Command } from 'commander';
import { addModelOptions, type ModelCliOptions } from '../model-options.ts';

export function register(program: Command): void {
  addModelOptions(
    program.command('fe').description('fixed-effects OLS: --formula "y ~ x1 + x2 | fe1 + fe2^fe3"'),
  ).action(async (opts: ModelCliOptions) => {
    // the engine and DuckDB load only when the command runs: --help starts at once
    const [{ fitFe }, { formatTable }, { loadForFormula, vcovOption }] = await Promise.all([
      import('../../econometrics/models/feols.ts'), import('../../econometrics/report/etable.ts'), import('../model-data.ts')]);
    const frame = await loadForFormula(opts);
    const res = fitFe(frame, opts.formula, { vcov: vcovOption(opts), weights: opts.weights });
    if (opts.json) process.stdout.write(JSON.stringify(res) + '\n');
    else process.stdout.write(formatTable(res, `Fixed-effects OLS: ${opts.formula}`) + '\n');
  });
}
