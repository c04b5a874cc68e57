// `cli iv`: IV-2SLS with fixed effects on a data file or warehouse table.
import type { Command } from 'commander';
import { fitIv } from '../../econometrics/models/feiv.ts';
import { formatTable } from '../../econometrics/report/etable.ts';
import { addModelOptions, loadForFormula, type ModelCliOptions } from '../model-options.ts';

export function register(program: Command): void {
  addModelOptions(
    program.command('iv').description('IV-2SLS: --formula "y ~ x1 + x2 | fe1 + fe2 | endog ~ instr"'),
  ).action(async (opts: ModelCliOptions) => {
    const frame = await loadForFormula(opts);
    const res = fitIv(frame, opts.formula, { vcov: opts.vcov as never });
    if (opts.json) process.stdout.write(JSON.stringify(res) + '\n');
    else process.stdout.write(formatTable(res, `IV-2SLS: ${opts.formula}`) + '\n');
  });
}
