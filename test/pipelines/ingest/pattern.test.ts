// Registry file patterns: the groups and choices a regular expression would make, in linear time whatever the
// pattern (a regular expression with many `*` backtracks for minutes).
import { describe, expect, it } from 'vitest';
import { compilePattern } from '../../../pipelines/ingest/pattern.ts';

/** What the regular expression the patterns used to be compiled to says (the reference for small cases). */
function byRegex(pattern: string, name: string): Record<string, string> | null {
  const body = pattern.normalize('NFC').split(/(\{edition\}|\{year\}|\*)/).map((p) => {
    if (p === '{edition}') return '(?<edition>\\d{4})';
    if (p === '{year}') return '(?<year>\\d{4})';
    if (p === '*') return '[^/]*';
    return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('');
  const m = new RegExp(`^${body}$`).exec(name.normalize('NFC'));
  if (!m) return null;
  return Object.fromEntries(Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined));
}

describe('compilePattern', () => {
  it('matches whole names and captures edition and year', () => {
    const yb = compilePattern('yearbook/中国城市统计年鉴{edition}.xlsx');
    expect(yb('yearbook/中国城市统计年鉴2016.xlsx')).toEqual({ edition: '2016' });
    expect(yb('yearbook/中国城市统计年鉴2016.xlsx.bak')).toBeNull();
    expect(yb('old/yearbook/中国城市统计年鉴2016.xlsx')).toBeNull();
    expect(yb('yearbook/中国城市统计年鉴16.xlsx')).toBeNull();
    expect(compilePattern('v/*_{year}.csv')('v/ai_firms_2019.csv')).toEqual({ year: '2019' });
    expect(compilePattern('eps/x.xlsx')('eps/x.xlsx')).toEqual({});
  });

  it('`*` does not cross folders; `.` and other characters are literal', () => {
    const p = compilePattern('eps/*.xlsx');
    expect(p('eps/a.xlsx')).toEqual({});
    expect(p('eps/.xlsx')).toEqual({});
    expect(p('eps/sub/a.xlsx')).toBeNull();
    expect(p('eps/aXxlsx')).toBeNull();
    expect(compilePattern('a(1)+[x].csv')('a(1)+[x].csv')).toEqual({});
  });

  it('names written decomposed match a composed pattern (NFC on both sides)', () => {
    expect(compilePattern('Caf\u00e9/*.csv')('Cafe\u0301/x.csv')).toEqual({});
  });

  it('makes the choices of the regular expression (longest `*` first) on ambiguous names', () => {
    const cases: Array<[string, string]> = [
      ['*{year}*.csv', 'a20112012b.csv'],
      ['*{year}*.csv', '2011201220132014.csv'],
      ['{edition}*{year}.xlsx', '201520162017.xlsx'],
      ['*_{year}_*_{edition}.xlsx', 'a_2011_b_2012_c_2013.xlsx'],
      ['**{year}', 'x1234'],
      ['a*b*c', 'abcbcbc'],
      ['a*b*c', 'abcbcb'],
      ['*', ''],
      ['', ''],
      ['', 'x'],
    ];
    for (const [pattern, name] of cases) expect([pattern, name, compilePattern(pattern)(name)]).toEqual([pattern, name, byRegex(pattern, name)]);
  });

  it('a pattern with many `*` against a long name that does not match: linear, not backtracking', () => {
    // as a regular expression this takes far longer than the test's time limit
    const pattern = `${'*a'.repeat(40)}*b`;
    const name = 'a'.repeat(5_000);
    expect(compilePattern(pattern)(name)).toBeNull();
    expect(compilePattern(pattern)(`${name}b`)).toEqual({});
    // a long pattern too: its length times the name's length, no more
    expect(compilePattern('*x'.repeat(5_000))('x'.repeat(5_000))).toEqual({});
    expect(compilePattern('*x'.repeat(5_000))('x'.repeat(4_999))).toBeNull();
  });
});
