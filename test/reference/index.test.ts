import { describe, expect, it } from 'vitest';
import { loadCities, loadCityRecords, loadCrosswalk, provinces, reportedUnits, PANEL_YEARS } from '../../reference/index.ts';

describe('reference city list', () => {
  it('has 297 canonical cities: east 102, central 100, west 95', () => {
    const cities = loadCities();
    expect(cities).toHaveLength(297);
    expect(new Set(cities.map((c) => c.city_code)).size).toBe(297);
    const byRegion = Object.fromEntries(['east', 'central', 'west'].map((r) => [r, cities.filter((c) => c.region === r).length]));
    expect(byRegion).toEqual({ east: 102, central: 100, west: 95 });
    expect(cities.filter((c) => c.is_municipality).map((c) => c.city_name)).toEqual(['北京', '天津', '上海', '重庆']);
  });

  it('prints short names and province short names', () => {
    const byCode = new Map(loadCityRecords().map((c) => [c.city_code, c]));
    expect(byCode.get('130100')).toMatchObject({ city_name: '石家庄', city_name_full: '石家庄市', province: '河北', province_code: '130000', region: 'east' });
    expect(byCode.get('520500')).toMatchObject({ city_name: '毕节', province: '贵州', region: 'west', first_year: 2011 });
    expect(byCode.get('630200')).toMatchObject({ city_name: '海东', province: '青海', first_year: 2013 });
    expect(byCode.get('150100')).toMatchObject({ city_name: '呼和浩特', province: '内蒙古' });
    expect(byCode.get('450100')).toMatchObject({ province: '广西' });
    expect(byCode.get('460300')).toMatchObject({ city_name: '三沙', region: 'east', first_year: 2012 });
    expect(byCode.get('460400')).toMatchObject({ city_name: '儋州', first_year: 2015 });
    expect(byCode.has('371200')).toBe(false);
    expect(byCode.has('341400')).toBe(false);
  });

  it('has 31 provinces with the three-belt regions', () => {
    const ps = provinces();
    expect(ps).toHaveLength(31);
    const east = ps.filter((p) => p.region === 'east').map((p) => p.short).sort();
    expect(east).toEqual(['上海', '北京', '天津', '山东', '广东', '江苏', '河北', '浙江', '海南', '福建', '辽宁'].sort());
    expect(ps.filter((p) => p.region === 'central').map((p) => p.short).sort())
      .toEqual(['山西', '吉林', '黑龙江', '安徽', '江西', '河南', '湖北', '湖南'].sort());
    for (const c of loadCities()) expect(ps.find((p) => p.province_code === c.province_code)?.short).toBe(c.province);
  });

  it('crosswalk rows point to canonical cities', () => {
    const codes = new Set(loadCities().map((c) => c.city_code));
    for (const row of loadCrosswalk()) {
      if (row.kind === 'drop') expect(row.city_code).toBeNull();
      else expect(codes.has(row.city_code!)).toBe(true);
      for (const s of row.successor_codes) expect(codes.has(s)).toBe(true);
      expect(row.first_year).toBeLessThanOrEqual(row.last_year);
    }
  });

  it('reportedUnits follows the administrative changes year by year', () => {
    const counts = PANEL_YEARS.map((y) => reportedUnits(y).length);
    expect(counts).toEqual([288, 289, 290, 292, 295, 297, 298, 298, 297, 297, 297, 297]);
    const at = (y: number, code: string) => reportedUnits(y).find((u) => u.code === code);
    expect(at(2018, '371200')).toEqual({ name: '莱芜', code: '371200', province: '山东', canonical_code: '370100', kind: 'merge' });
    expect(at(2019, '371200')).toBeUndefined();
    expect(at(2011, '520500')).toMatchObject({ name: '毕节', kind: 'canonical' });
    expect(at(2011, '460300')).toBeUndefined();
    expect(at(2012, '460300')).toMatchObject({ name: '三沙' });
    expect(at(2014, '460400')).toBeUndefined();
    expect(at(2015, '460400')).toMatchObject({ name: '儋州' });
    expect(at(2012, '630200')).toBeUndefined();
    expect(at(2012, '632100')).toBeUndefined();
    expect(at(2013, '630200')).toMatchObject({ name: '海东' });
    expect(at(2011, '341400')).toBeUndefined();
    expect(at(2011, '420600')).toMatchObject({ name: '襄阳' });
    expect(() => reportedUnits(2010)).toThrow(RangeError);
  });
});
