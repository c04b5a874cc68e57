import { describe, expect, it } from 'vitest';
import { harmonize, UnplacedUnitsError } from '../../../pipelines/harmonize/parts.ts';
import { DataError } from '../../../pipelines/core/errors.ts';
import { reportedUnits } from '../../../reference/index.ts';
import { HarmonizedValue, type StagedValue } from '../../../schemas/staged.ts';
import type { RawIndicator } from '../../../schemas/indicators.ts';

let line = 0;
function sv(name: string, year: number, o: Partial<StagedValue> = {}): StagedValue {
  line++;
  return {
    source_id: 'yearbook', file: `yearbook/${year + 1}.xlsx`, sheet: '2-1', cell: `B${line}`, file_sha256: 'a'.repeat(64),
    layout: 'yearbook', indicator: 'gdp' as RawIndicator, scope: '全市', year, name_raw: name, code_raw: null,
    province_raw: null, value: 100 + line, unit: '万元', missing_marker: null, ...o,
  };
}

const fixture = (): StagedValue[] => [
  sv('济南', 2018, { province_raw: '山东' }),
  sv('莱芜', 2018, { province_raw: '山东' }),
  sv('莱芜市', 2017, { province_raw: '山东', source_id: 'eps', layout: 'eps', code_raw: '371200', file: 'eps/city.xlsx', sheet: 'data' }),
  sv('济南', 2019, { province_raw: '山东' }),
  sv('巢湖', 2011, { province_raw: '安徽', source_id: 'vendor', layout: 'long', code_raw: '341400', file: 'vendor/ai.csv', sheet: '' }),
  sv('合肥', 2011, { province_raw: '安徽' }),
  sv('毕节', 2011, { province_raw: '贵州' }),
  sv('毕节地区', 2011, { source_id: 'vendor', layout: 'long', code_raw: '522400', file: 'vendor/ai.csv', sheet: '', indicator: 'ai_firms', unit: '家' }),
  sv('海东市', 2012, { source_id: 'vendor', layout: 'long', code_raw: '630200', file: 'vendor/ai.csv', sheet: '', indicator: 'ai_firms', unit: '家' }),
  sv('', 2016, { source_id: 'eps', layout: 'eps', code_raw: '542300', indicator: 'patents_granted', unit: '件' }),
  sv('北京市', 2015, { source_id: 'eps', layout: 'eps', indicator: 'ecommerce_volume', unit: '亿元', scope: null }),
  sv('广西壮族自治区', 2015, { source_id: 'eps', layout: 'eps', indicator: 'ecommerce_volume', unit: '亿元', scope: null }),
  sv('石家庄市', 2015, { scope: '市辖区' }),
];

describe('harmonize', () => {
  it('maps, merges and drops with the merge policy', () => {
    const { values, events, counts } = harmonize(fixture(), { merge: 'merge' });
    expect(values).toHaveLength(12);
    for (const v of values) expect(HarmonizedValue.safeParse(v).success).toBe(true);
    const by = (name: string, year: number) => values.find((v) => v.name_raw === name && v.year === year)!;
    expect([by('济南', 2018).city_code, by('济南', 2018).mapping]).toEqual(['370100', 'exact']);
    expect([by('莱芜', 2018).city_code, by('莱芜', 2018).mapping]).toEqual(['370100', 'merged']);
    expect([by('莱芜市', 2017).city_code, by('莱芜市', 2017).mapping]).toEqual(['370100', 'merged']);
    expect(by('莱芜', 2018).name_raw).toBe('莱芜'); // keeps its own identity
    expect(values.some((v) => v.name_raw === '巢湖')).toBe(false);
    expect([by('毕节地区', 2011).city_code, by('毕节地区', 2011).mapping]).toEqual(['520500', 'alias']);
    expect([by('海东市', 2012).city_code, by('海东市', 2012).mapping]).toEqual(['630200', 'alias']);
    expect([by('', 2016).city_code, by('', 2016).mapping]).toEqual(['540200', 'code']);
    expect([by('北京市', 2015).city_code, by('北京市', 2015).mapping]).toEqual(['110000', 'province']);
    expect([by('广西壮族自治区', 2015).city_code, by('广西壮族自治区', 2015).mapping]).toEqual(['450000', 'province']);
    expect(by('石家庄市', 2015).scope).toBe('市辖区');
    expect(counts).toEqual({ exact: 5, code: 1, alias: 2, renamed: 0, merged: 2, province: 2, user: 0, dropped: 1, outside: 0 });

    const dropped = events.filter((e) => e.action === 'dropped');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ name_raw: '巢湖', city_code: null, rows: 1, years: [2011], source_ids: ['vendor'] });
    expect(dropped[0].reason).toMatch(/340100, 340200, 340500/);
    const merged = events.filter((e) => e.action === 'merged');
    expect(merged.map((e) => [e.name_raw, e.city_code, e.rows])).toEqual([['莱芜', '370100', 1], ['莱芜市', '370100', 1]]);
    expect(events.filter((e) => e.mapping === 'exact' || e.mapping === 'province')).toHaveLength(0);
    // sorted by action, then city, then printed name (not in the order the rows came)
    expect(events.map((e) => [e.action, e.city_code, e.name_raw])).toEqual([
      ['dropped', null, '巢湖'], ['mapped', '520500', '毕节地区'], ['mapped', '540200', ''], ['mapped', '630200', '海东市'],
      ['merged', '370100', '莱芜'], ['merged', '370100', '莱芜市']]);
  });

  it("removes merged predecessors with policy merge 'drop'", () => {
    const { values, events, counts } = harmonize(fixture(), { merge: 'drop' });
    expect(values).toHaveLength(10);
    expect(values.some((v) => v.mapping === 'merged')).toBe(false);
    expect(values.find((v) => v.name_raw === '济南' && v.year === 2018)?.city_code).toBe('370100');
    expect(counts.dropped).toBe(3);
    expect(counts.merged).toBe(0);
    const laiwu = events.filter((e) => e.action === 'dropped' && e.city_code === '370100');
    expect(laiwu.reduce((s, e) => s + e.rows, 0)).toBe(2);
    expect(laiwu[0].reason).toMatch(/policy 'drop'/);
  });

  it('removes a merged predecessor reported after its last year (the successor covers it), under both policies', () => {
    const rows = [2018, 2019, 2020].map((y) => sv('莱芜市', y, { code_raw: '371200', value: y === 2018 ? 5 : null, source_id: 'eps' }));
    for (const merge of ['merge', 'drop'] as const) {
      const { values, events, counts } = harmonize(rows, { merge });
      expect(values.map((v) => v.year)).toEqual(merge === 'merge' ? [2018] : []);
      expect(counts.dropped).toBe(merge === 'merge' ? 2 : 3);
      const after = events.find((e) => e.reason.includes('after its last year 2018'))!;
      expect(after).toMatchObject({ action: 'dropped', city_code: '370100', years: [2019, 2020], rows: 2 });
    }
  });

  it('aggregates events per printed unit and counts rows and years', () => {
    const rows = [2011, 2012, 2013].flatMap((y) => [sv('毕节地区', y, { code_raw: '522400' }), sv('毕节地区', y, { code_raw: '522400', indicator: 'population', unit: '万人' })]);
    const { events } = harmonize(rows, { merge: 'merge' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'mapped', mapping: 'alias', city_code: '520500', rows: 6, years: [2011, 2012, 2013] });
  });

  it('stops on an unknown city naming file, sheet, cell and the closest names', () => {
    const rows = [sv('石家庄', 2015), sv('石家妆', 2015, { province_raw: '河北', file: 'yearbook/2016.xlsx', sheet: '2-1', cell: 'A57' })];
    let error: unknown;
    try { harmonize(rows, { merge: 'merge' }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(DataError);
    const msg = (error as Error).message;
    expect(msg).toContain('yearbook/2016.xlsx');
    expect(msg).toContain('sheet 2-1');
    expect(msg).toContain('cell A57');
    expect(msg).toMatch(/closest known names: 石家庄, 张家口, /);
  });

  it('provincial series: by name or code, and name and code must agree', () => {
    const p = (name: string, code: string | null) => sv(name, 2016, { indicator: 'ecommerce_volume', unit: '亿元', code_raw: code, scope: null });
    const { values } = harmonize([p('内蒙古', null), p('', '65'), p('吉林省', '220000')], { merge: 'merge' });
    expect(values.map((v) => [v.city_code, v.mapping])).toEqual([['150000', 'province'], ['650000', 'province'], ['220000', 'province']]);
    expect(() => harmonize([p('河北', '110000')], { merge: 'merge' })).toThrow(/name '河北' is 130000, code 110000 is 110000/);
    let error: unknown;
    try { harmonize([{ ...p('河北', '110000'), cell: 'C9' }], { merge: 'merge' }); } catch (e) { error = e; }
    expect((error as UnplacedUnitsError).units).toEqual([{
      file: 'yearbook/2017.xlsx', sheet: '2-1', cell: 'C9', name: '河北', code: '110000', province: null, year: 2016, indicator: 'ecommerce_volume',
      problem: "one province for provincial series ecommerce_volume: name '河北' is 130000, code 110000 is 110000", closest: [],
    }]);
    expect((error as Error).message.endsWith("cell C9: one province for provincial series ecommerce_volume: name '河北' is 130000, code 110000 is 110000")).toBe(true);
  });

  it('stops on an unknown province of a provincial series', () => {
    const rows = [sv('江南省', 2015, { indicator: 'ecommerce_volume', unit: '亿元', cell: 'C9', sheet: 'prov' })];
    expect(() => harmonize(rows, { merge: 'merge' })).toThrow(/sheet prov, cell C9.*closest known names/);
  });

  it('maps every unit a yearbook prints, year by year, to the 297 canonical cities', () => {
    const rows: StagedValue[] = [];
    for (let y = 2011; y <= 2022; y++) {
      for (const u of reportedUnits(y)) {
        rows.push(sv(u.name, y, { province_raw: u.province }));
        rows.push(sv(`${u.name}市`, y, { code_raw: u.code, source_id: 'eps', layout: 'eps', indicator: 'patents_granted', unit: '件' }));
      }
    }
    const { values, counts } = harmonize(rows, { merge: 'merge' });
    expect(values).toHaveLength(rows.length);
    expect(new Set(values.map((v) => v.city_code)).size).toBe(297);
    expect(counts.merged).toBe(2 * 8); // 莱芜 2011–2018, two sources
    expect(counts.exact).toBe(rows.length - 16);
    const canonical = new Map<string, string>();
    for (let y = 2011; y <= 2022; y++) {
      for (const u of reportedUnits(y)) canonical.set(`${y}:${u.name}`, u.canonical_code);
    }
    const wrong = values.filter((v) => v.city_code !== canonical.get(`${v.year}:${v.name_raw.replace(/市$/, '')}`));
    expect(wrong).toEqual([]);
  });
});
