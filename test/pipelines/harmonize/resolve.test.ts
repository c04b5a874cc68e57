import { describe, expect, it } from 'vitest';
import { loadCityRecords, loadCrosswalk, provinces } from '../../../reference/index.ts';
import {
  buildCityIndex, cityIndex, CityResolutionError, closestNames, editDistance, lookupProvince, normalizeCode, normalizeName, resolveCity,
} from '../../../pipelines/harmonize/resolve.ts';

const r = (name: string | null, code: string | null, year: number, province: string | null = null) =>
  resolveCity({ name, code, province, year });
const pick = (x: ReturnType<typeof resolveCity>) => [x.city_code, x.mapping];

describe('name and code normalization', () => {
  it('strips suffixes and whitespace', () => {
    expect(normalizeName('石家庄市')).toBe('石家庄');
    expect(normalizeName('毕节地区')).toBe('毕节');
    expect(normalizeName('兴安盟')).toBe('兴安');
    expect(normalizeName(' 海 东\u3000市')).toBe('海东');
    expect(normalizeName('儋州')).toBe('儋州');
  });
  it('reads the usual code spellings', () => {
    expect(normalizeCode('130100')).toBe('130100');
    expect(normalizeCode('1301')).toBe('130100');
    expect(normalizeCode('130100000000')).toBe('130100');
    expect(normalizeCode('130100.0')).toBe('130100');
    expect(normalizeCode('11')).toBe('110000');
    expect(normalizeCode('abc')).toBeNull();
    expect(normalizeCode('1301001')).toBeNull();
  });
  it('edit distance', () => {
    expect(editDistance('石家庄', '石家妆')).toBe(1);
    expect(editDistance('', '唐山')).toBe(2);
    expect(editDistance('襄阳', '襄阳')).toBe(0);
  });
  it('provinces by full, short and suffixed names or codes', () => {
    expect(lookupProvince('河北')).toBe('130000');
    expect(lookupProvince('河北省')).toBe('130000');
    expect(lookupProvince('广西壮族自治区')).toBe('450000');
    expect(lookupProvince('内蒙古')).toBe('150000');
    expect(lookupProvince('北京市')).toBe('110000');
    expect(lookupProvince(null, '65')).toBe('650000');
    expect(lookupProvince('全国')).toBeNull();
  });
});

describe('resolveCity: ordinary cities', () => {
  it('short and full names, with or without code and province', () => {
    expect(pick(r('石家庄', null, 2015))).toEqual(['130100', 'exact']);
    expect(pick(r('石家庄市', '130100', 2015, '河北省'))).toEqual(['130100', 'exact']);
    expect(pick(r('北京', null, 2011, '北京'))).toEqual(['110000', 'exact']);
    expect(pick(r('重庆市', '500000', 2020))).toEqual(['500000', 'exact']);
    expect(r('石家庄', '130100', 2015).matched_by).toBe('name+code');
  });
  it('suffix variants that are not official names are aliases', () => {
    expect(pick(r('石家庄地区', null, 2015))).toEqual(['130100', 'alias']);
  });
  it('identifies by code when the name is unknown or empty', () => {
    expect(pick(r('', '130100', 2015))).toEqual(['130100', 'code']);
    expect(pick(r('石家庄市(全市)', '130100', 2015))).toEqual(['130100', 'code']);
    expect(pick(r(null, '1301', 2015))).toEqual(['130100', 'code']);
  });
  it('a municipality printed under its 市辖区 group code (110100) is recognized, as an alias', () => {
    expect(pick(r('北京市', '110100', 2015))).toEqual(['110000', 'alias']);
    expect(pick(r('', '500100', 2015))).toEqual(['500000', 'code']);
  });
  it('a municipality listed under another province context is still accepted', () => {
    expect(pick(r('重庆', null, 2014, '四川'))).toEqual(['500000', 'exact']);
  });
});

describe('resolveCity: administrative changes', () => {
  it('毕节地区 → 毕节市 and 铜仁地区 → 铜仁市 (2011)', () => {
    expect(pick(r('毕节', '520500', 2011, '贵州'))).toEqual(['520500', 'exact']);
    expect(pick(r('毕节市', null, 2013))).toEqual(['520500', 'exact']);
    expect(pick(r('毕节地区', '522400', 2010))).toEqual(['520500', 'renamed']);
    expect(pick(r('铜仁地区', '522200', 2010))).toEqual(['520600', 'renamed']);
    expect(pick(r('铜仁', '520600', 2012))).toEqual(['520600', 'exact']);
  });
  it('stale codes (old code used after the change) are accepted as alias', () => {
    expect(pick(r('毕节', '522400', 2014))).toEqual(['520500', 'alias']);
    expect(pick(r('毕节地区', '522400', 2012))).toEqual(['520500', 'alias']);
    expect(pick(r('', '542300', 2016))).toEqual(['540200', 'code']);
    expect(r('', '542300', 2016).current).toBe(false);
    expect(pick(r('日喀则', '542300', 2018))).toEqual(['540200', 'alias']);
  });
  it('backwards codes (new code used before the change, as vendor panels do) are accepted as alias', () => {
    expect(pick(r('海东', '630200', 2011))).toEqual(['630200', 'alias']);
    expect(pick(r('海东市', '630200', 2013))).toEqual(['630200', 'exact']);
    expect(pick(r('海东地区', '632100', 2012))).toEqual(['630200', 'renamed']);
    expect(pick(r('那曲', '540600', 2012))).toEqual(['540600', 'alias']);
    expect(pick(r('那曲', '540600', 2017))).toEqual(['540600', 'exact']);
  });
  it('the Tibet and Xinjiang conversions 2014–2017', () => {
    expect(pick(r('日喀则', '540200', 2014))).toEqual(['540200', 'exact']);
    expect(pick(r('昌都地区', '542100', 2013))).toEqual(['540300', 'renamed']);
    expect(pick(r('昌都', '540300', 2014))).toEqual(['540300', 'exact']);
    expect(pick(r('林芝', '540400', 2015))).toEqual(['540400', 'exact']);
    expect(pick(r('吐鲁番地区', '652100', 2014))).toEqual(['650400', 'renamed']);
    expect(pick(r('吐鲁番', '650400', 2015))).toEqual(['650400', 'exact']);
    expect(pick(r('山南', '540500', 2016))).toEqual(['540500', 'exact']);
    expect(pick(r('哈密地区', '652200', 2015))).toEqual(['650500', 'renamed']);
    expect(pick(r('哈密', '650500', 2016))).toEqual(['650500', 'exact']);
    expect(pick(r('那曲地区', '542400', 2016))).toEqual(['540600', 'renamed']);
  });
  it('new cities 三沙 (2012) and 儋州 (2015): exact from their first year, alias before', () => {
    expect(pick(r('三沙', '460300', 2012))).toEqual(['460300', 'exact']);
    expect(pick(r('三沙市', '460300', 2011))).toEqual(['460300', 'alias']);
    expect(pick(r('儋州', '460400', 2015))).toEqual(['460400', 'exact']);
    expect(pick(r('儋州', '460400', 2014))).toEqual(['460400', 'alias']);
  });
  it('襄樊 → 襄阳 (2010, code kept)', () => {
    expect(pick(r('襄樊', '420600', 2009))).toEqual(['420600', 'renamed']);
    expect(pick(r('襄阳', '420600', 2011))).toEqual(['420600', 'exact']);
    expect(pick(r('襄樊市', '420600', 2012))).toEqual(['420600', 'alias']);
    expect(pick(r('', '420600', 2012))).toEqual(['420600', 'code']);
  });
  it('莱芜 merged into 济南 (reported on its own through 2018)', () => {
    const x = r('莱芜', '371200', 2018, '山东');
    expect(pick(x)).toEqual(['370100', 'merged']);
    expect(x.current).toBe(true);
    expect(pick(r('莱芜市', null, 2012))).toEqual(['370100', 'merged']);
    expect(pick(r('', '371200', 2015))).toEqual(['370100', 'merged']);
    expect(r('莱芜', null, 2019).current).toBe(false);
    expect(pick(r('济南', '370100', 2018))).toEqual(['370100', 'exact']);
  });
  it('巢湖 is dropped by policy, with its three successors', () => {
    const x = r('巢湖', '341400', 2011, '安徽');
    expect(x.mapping).toBe('dropped');
    expect(x.city_code).toBeNull();
    expect(x.successor_codes).toEqual(['340100', '340200', '340500']);
    expect(r('巢湖市', null, 2010).current).toBe(true);
  });
});

describe('resolveCity: notes explain non-exact mappings without naming the year', () => {
  it('stale code, back-cast, variant, code only, group code, merge, split', () => {
    expect(r('毕节市', '522400', 2015).note).toBe('code 522400 of 毕节地区 522400 (valid 1981–2010) used after its last year (stale)');
    expect(r('海东市', '630200', 2012).note).toBe('name and code of 海东 630200 (valid 2013–…) applied backwards (back-cast)');
    expect(r('石家庄地区', null, 2015).note).toBe('name variant of 石家庄');
    expect(r('', '130100', 2015).note).toBe('name empty; code 130100 of 石家庄 130100');
    expect(r('北京', '110100', 2015).note).toBe('code 110100 is the 市辖区/县 group code of 北京 110000');
    expect(r('莱芜', null, 2018).note).toBe('merged into 370100; reported on its own 1992–2018');
    expect(r('巢湖', null, 2011).note).toMatch(/split among 340100, 340200, 340500/);
    expect(r('襄樊', '420600', 2009).note).toBe('predecessor 襄樊 420600, valid 1981–2009');
    expect(r('石家庄', '130100', 2015).note).toBe('official name and code valid that year');
  });
});

describe('resolveCity: errors', () => {
  const err = (fn: () => unknown): CityResolutionError => {
    try { fn(); } catch (e) { if (e instanceof CityResolutionError) return e; throw e; }
    throw new Error('expected a CityResolutionError');
  };
  it('an unknown name lists the closest names of the province first', () => {
    const e = err(() => r('石家妆', null, 2015, '河北'));
    expect(e.message).toContain('石家妆');
    expect(e.closest).toHaveLength(3);
    expect(e.closest[0]).toBe('石家庄');
    expect(closestNames('张家口市', null)[0]).toBe('张家口');
  });
  it('a city outside the given province', () => {
    expect(err(() => r('济南', null, 2015, '河北')).message).toMatch(/not a city of province 河北/);
  });
  it('name and code pointing to different cities', () => {
    expect(err(() => r('济南', '130100', 2015)).message).toMatch(/disagree/);
  });
  it('unknown or unreadable codes', () => {
    expect(err(() => r('济南', '999999', 2015)).message).toMatch(/unknown region code 999999/);
    expect(err(() => r('', 'x1', 2015)).message).toMatch(/unreadable/);
    expect(err(() => r('', '', 2015)).message).toMatch(/empty/);
  });
});

describe('resolveCity: province disambiguation', () => {
  it('no official name means two units of one province in the same year, so the province is a consistency check', () => {
    const idx = cityIndex();
    const valid = (f: (typeof idx.forms)[number], y: number) => (f.first_year ?? 0) <= y && y <= (f.last_year ?? 9999);
    for (let year = 1990; year <= 2024; year++) {
      for (const [name, forms] of idx.byName) {
        const byProvince = new Map<string, Set<string>>();
        for (const f of forms.filter((f) => valid(f, year))) byProvince.set(f.province_code, (byProvince.get(f.province_code) ?? new Set()).add(f.target));
        for (const [province, targets] of byProvince) expect(targets.size, `${name} in ${province}, ${year}`).toBe(1);
      }
    }
    // and no two cities of the panel share a name, even without their suffix
    const cityNames = new Map<string, Set<string>>();
    for (const f of idx.forms.filter((f) => f.kind === 'canonical')) {
      for (const n of f.names) cityNames.set(normalizeName(n), (cityNames.get(normalizeName(n)) ?? new Set()).add(f.target));
    }
    for (const [name, targets] of cityNames) expect(targets.size, name).toBe(1);
  });
  // a universe with two cities called 伊春 (the real one in 黑龙江 and a fictitious one in 江西)
  const base = loadCityRecords();
  const yichun = base.find((c) => c.city_code === '230700')!;
  const twin = { ...yichun, city_code: '360999', province: '江西', province_code: '360000', region: 'central' as const };
  const idx = buildCityIndex([...base, twin], loadCrosswalk(), provinces());
  it('an ambiguous name needs the province or the code', () => {
    expect(() => resolveCity({ name: '伊春', code: null, province: null, year: 2015 }, idx)).toThrow(/ambiguous city '伊春'/);
    expect(resolveCity({ name: '伊春', code: null, province: '黑龙江', year: 2015 }, idx).city_code).toBe('230700');
    expect(resolveCity({ name: '伊春市', code: null, province: '江西省', year: 2015 }, idx).city_code).toBe('360999');
    expect(resolveCity({ name: '伊春', code: '360999', province: null, year: 2015 }, idx).city_code).toBe('360999');
    expect(resolveCity({ name: '伊春', code: '360999', province: null, year: 2015 }, idx).mapping).toBe('exact');
  });
  it('a province that matches neither is an error', () => {
    expect(() => resolveCity({ name: '伊春', code: null, province: '河北', year: 2015 }, idx)).toThrow(/not a city of province 河北/);
  });
});

describe('hostile names: bounded work, bounded messages', () => {
  it('a 10 MB city name: refused with its first 80 characters and its size, closest names by its start', () => {
    const name = `石家庄${'庄'.repeat(10_000_000)}`;
    let e: CityResolutionError | undefined;
    try {
      r(name, null, 2015, '河北');
    } catch (x) {
      e = x as CityResolutionError;
    }
    expect(e).toBeInstanceOf(CityResolutionError);
    expect(e!.message).toBe(`unknown city '石家庄${'庄'.repeat(77)}…' (10,000,003 characters) (code -, province 河北, year 2015)`);
    expect(e!.closest).toHaveLength(3);
  });
  it('edit distances look at the first 64 code points of each name', () => {
    expect(editDistance('a'.repeat(64) + 'b'.repeat(1_000_000), 'a'.repeat(64))).toBe(0);
    expect(editDistance('𠀋'.repeat(70), '𠀋'.repeat(64))).toBe(0);
    expect(editDistance('石家庄', '石家妆')).toBe(1);
  });
  it('a huge code or province is shown by its start too', () => {
    const e = (() => {
      try {
        r('石家庄', `x${'1'.repeat(1_000_000)}`, 2015);
      } catch (x) {
        return x as Error;
      }
      throw new Error('expected a CityResolutionError');
    })();
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).toContain('(1,000,001 characters)');
  });
});
