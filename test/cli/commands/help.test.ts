// `cli fe|iv|threshold --help` lists every option with its default (or says it is required).
import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.ts';
import { ThresholdOptionsSchema } from '../../../econometrics/models/threshold.ts';

/** The options of a --help text, each with its description joined across wrapped lines. */
function options(help: string): Array<{ flags: string; text: string }> {
  const out: Array<{ flags: string; text: string }> = [];
  const lines = help.slice(help.indexOf('Options:')).split('\n').slice(1);
  for (const line of lines) {
    const m = /^ {2}(-\S.*?)\s{2,}(.*)$/.exec(line);
    if (m) out.push({ flags: m[1], text: m[2] });
    else if (/^\s{4,}\S/.test(line) && out.length) out[out.length - 1].text += ' ' + line.trim();
  }
  return out;
}

describe('--help', () => {
  it.each([
    ['fe', ['--data', '--warehouse', '--table', '--formula', '--vcov', '--time', '--weights', '--where', '--na', '--json']],
    ['iv', ['--data', '--warehouse', '--table', '--formula', '--vcov', '--time', '--weights', '--where', '--na', '--json', '--estimator']],
    ['threshold', ['--data', '--warehouse', '--table', '--where', '--na', '--formula', '--time', '--regime', '--threshold-var', '--thresholds', '--trim',
      '--method', '--grid', '--bootstrap', '--seed', '--level', '--threads', '--vcov', '--vce', '--cluster', '--at', '--json']],
  ])('%s lists every option with its default', (command, expected) => {
    const r = cli(command, '--help');
    expect(r.code).toBe(0);
    const listed = options(r.stdout).filter((o) => !o.flags.startsWith('-h, --help'));
    expect(listed.map((o) => o.flags.split(' ')[0])).toEqual(expected);
    for (const o of listed) expect(o.text, o.flags).toMatch(/default: |\(required\)/);
  });

  it('shows the defaults that apply', () => {
    const iv = cli('iv', '--help').stdout;
    expect(iv).toMatch(/--vcov <type>[\s\S]*?\(default: "iid"\)/);
    expect(iv).toMatch(/--estimator <name>[\s\S]*?\(default: "2sls"\)/);
    expect(iv).toMatch(/--na <codes>[\s\S]*?\(default: "NA,\.,,-"\)/);
  });

  it('shows the threshold defaults the engine applies', () => {
    const help = cli('threshold', '--help').stdout.replace(/\s+/g, ' ');
    const d = ThresholdOptionsSchema.parse({ formula: 'y ~ x | id', time: 't', regime: 'r', thresholdVar: 'q' });
    expect(help).toContain(`--thresholds <k> number of thresholds (1-3) (default: ${d.thresholds})`);
    expect(help).toContain(`(default: ${d.trim[0]} for every step)`);
    expect(help).toContain(`default: "${d.method}")`);
    expect(help).toContain(`--grid <spec> quantile:N | all (default: "${d.grid}")`);
    expect(help).toContain(`--bootstrap <B> replications per test (default: ${d.bootstrap})`);
    expect(help).toContain(`--seed <n> random seed (default: ${d.seed})`);
    expect(help).toContain(`(default: ${d.level})`);
    expect(help).toContain('--vcov <type> iid | hc1 | cluster:VAR, as fe and iv (default: iid, conventional)');
    expect(help).toContain('"| id + year"');
  });
});
