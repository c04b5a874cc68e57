// `cli iv`: IV (2SLS, LIML or Fuller) with fixed effects on a data file or warehouse table.
import type { Command } from 'commander';
import type { IvEstimatorOption } from '../../econometrics/models/feiv.ts';
import { addModelOptions, type ModelCliOptions } from '../model-options.ts';

const TITLES = { '2sls': 'IV-2SLS', liml: 'IV-LIML', fuller: 'IV-Fuller' } as const;

export function register(program: Command): void {
  addModelOptions(
    program.command('iv').description('IV: --formula "y ~ x1 + x2 | fe1 + fe2 | endog ~ instr"'),
  )
    .option('--estimator <name>', "2sls | liml | fuller:A (Fuller's modified LIML, A = 1 usual)", '2sls')
    .action(async (opts: ModelCliOptions & { estimator: string }) => {
      // the engine and DuckDB load only when the command runs: --help starts at once
      const [{ fitIv, parseEstimator }, { formatTable }, { loadForFormula, vcovOption }] = await Promise.all([
        import('../../econometrics/models/feiv.ts'), import('../../econometrics/report/etable.ts'), import('../model-data.ts')]);
      const estimator = parseEstimator(opts.estimator);
      const frame = await loadForFormula(opts);
      const res = fitIv(frame, opts.formula, { vcov: vcovOption(opts), weights: opts.weights, estimator: opts.estimator as IvEstimatorOption });
      if (opts.json) process.stdout.write(JSON.stringify(res) + '\n');
      else process.stdout.write(formatTable(res, `${TITLES[estimator.type]}: ${opts.formula}`) + '\n');
    });
}
