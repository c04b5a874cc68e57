// Issue 11 §2.9: a column can be tagged with the concept it reports (population 户籍 = registered vs 常住 =
// resident); the tag is on every staged value, and two concepts feeding one indicator are a warning.
import { afterEach, describe, expect, it } from 'vitest';
import { clean, cleanStage } from '../../../pipelines/clean/index.ts';
import type { StageContext } from '../../../pipelines/runner/stage.ts';
import { runDataTests } from '../../../pipelines/core/data-tests.ts';
import { fixtureContext, harmonizedRows } from '../fixture.ts';
import { run, xlsx } from './fixtures.ts';

describe('concept tags', () => {
  let ctx: StageContext | undefined;
  afterEach(() => ctx?.db.close());

  it('are recorded on every value of the tagged column, null elsewhere', async () => {
    const book = xlsx({ Sheet1: [['城市名称', '年份', '常住人口(万人)', '户籍人口(万人)', '人工智能企业数'], ['北京市', 2015, 2188.6, 1345.2, 10]] });
    const sources = [
      { id: 'resident', layout: 'long' as const, file: 'v/pop.xlsx', years: { from: 2011, to: 2022 }, columns: { name: '城市名称', year: '年份' },
        indicators: [{ indicator: 'population' as const, column: '常住人口', unit: 'header', concept: '常住' }, { indicator: 'ai_firms' as const, column: '人工智能企业数', unit: '家' }] },
      { id: 'registered', layout: 'long' as const, file: 'v/pop.xlsx', years: { from: 2011, to: 2022 }, columns: { name: '城市名称', year: '年份' },
        indicators: [{ indicator: 'population' as const, column: '户籍人口', unit: 'header', concept: '户籍' }] },
    ];
    const { values } = await run([{ path: 'v/pop.xlsx', data: book }], sources);
    expect(values.map((v) => [v.source_id, v.indicator, v.value, v.concept])).toEqual([
      ['resident', 'population', 2188.6, '常住'], ['resident', 'ai_firms', 10, null], ['registered', 'population', 1345.2, '户籍'],
    ]);
  });

  it('two concepts for one indicator across its years: reported per concept and source, and a warning', async () => {
    // population: the fixture's source (户籍) up to 2012, another one (常住) from 2013
    const rows = harmonizedRows((r) => r.indicator !== 'population' ? r
      : (r.year as number) <= 2012 ? { ...r, concept: '户籍' } : { ...r, source_id: 'census', concept: '常住' });
    ctx = await fixtureContext(rows);
    const report = await clean(ctx);
    expect(await ctx.db.rows("SELECT * FROM quality_concepts WHERE indicator = 'population'")).toEqual([
      { indicator: 'population', concept: '户籍', source: 'fixture', first_year: 2011, last_year: 2012, values: 6 },
      { indicator: 'population', concept: '常住', source: 'census', first_year: 2013, last_year: 2014, values: 6 },
    ]);
    expect(report.detail).toContain('; two concepts feed population (quality_concepts)');
    const { results } = await runDataTests(ctx.db, 'clean', cleanStage.tests.filter((t) => t.name === 'clean_concepts_mixed'));
    expect(results[0]).toMatchObject({ status: 'warn', failing_rows: 2 });
  });

  it('one concept, or none stated, is no warning', async () => {
    ctx = await fixtureContext(harmonizedRows((r) => (r.indicator === 'population' ? { ...r, concept: '户籍' } : r)));
    const report = await clean(ctx);
    expect(report.detail).not.toContain('two concepts');
    const { results } = await runDataTests(ctx.db, 'clean', cleanStage.tests.filter((t) => t.name === 'clean_concepts_mixed'));
    expect(results[0]).toMatchObject({ status: 'pass', failing_rows: 0 });
    expect(await ctx.db.rows("SELECT concept, \"values\" FROM quality_concepts WHERE indicator = 'gdp'")).toEqual([{ concept: null, values: 12 }]);
  });
});
