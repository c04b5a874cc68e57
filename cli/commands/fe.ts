// `cli fe`: fixed-effects OLS on a data file or warehouse table.
import type { Command } from 'commander';
import { fitFe } from '../../econometrics/models/feols.ts';
import { formatTable } from '../../econometrics/report/etable.ts';
import { addModelOptions, loadForFormula, vcovOption, type ModelCliOptions } from '../model-options.ts';

export function register(program: Command): void {
  addModelOptions(
    program.command('fe').description('fixed-effects OLS: --formula "y ~ x1 + x2 | fe1 + fe2^fe3"'),
  ).action(async (opts: ModelCliOptions) => {
    const frame = await loadForFormula(opts);
    const res = fitFe(frame, opts.formula, { vcov: vcovOption(opts), weights: opts.weights });
    if (opts.json) process.stdout.write(JSON.stringify(res) + '\n');
    else process.stdout.write(formatTable(res, `Fixed-effects OLS: ${opts.formula}`) + '\n');
  });
}
