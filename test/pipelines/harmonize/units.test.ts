// The city universe as data (reference/units.csv): stale codes of cities, units outside the panel's cities, units
// that once had a city's name, and English names read through their code.
import { describe, expect, it } from 'vitest';
import { CityResolutionError, resolveCity } from '../../../pipelines/harmonize/resolve.ts';

const r = (name: string | null, code: string | null, year: number, province: string | null = null) =>
  resolveCity({ name, code, province, year });
const pick = (x: ReturnType<typeof resolveCity>) => [x.city_code, x.mapping];
const failure = (fn: () => unknown): CityResolutionError => {
  try { fn(); } catch (e) { if (e instanceof CityResolutionError) return e; throw e; }
  throw new Error('expected a CityResolutionError');
};

describe('stale codes resolve to their city without user aliases', () => {
  it('儋州 under its county-level code 469003: its predecessor form up to 2014, an alias when printed later', () => {
    expect(pick(r('儋州', '469003', 2012))).toEqual(['460400', 'renamed']);
    for (let year = 2015; year <= 2023; year++) expect(pick(r('儋州市', '469003', year))).toEqual(['460400', 'alias']);
    expect(r('儋州', '469003', 2018).note).toBe('name and code of 儋州 469003 (valid 2001–2014) used after its last year (stale)');
    expect(pick(r('', '469003', 2020))).toEqual(['460400', 'code']);
  });
  it('吐鲁番 652100 up to 2020, 那曲 542400 up to 2017, 哈密 652200 up to 2016', () => {
    expect(pick(r('吐鲁番', '652100', 2020))).toEqual(['650400', 'alias']);
    expect(pick(r('吐鲁番市', '652100', 2016, '新疆'))).toEqual(['650400', 'alias']);
    expect(pick(r('那曲', '542400', 2017))).toEqual(['540600', 'alias']);
    expect(pick(r('哈密', '652200', 2016))).toEqual(['650500', 'alias']);
  });
  it('conversions before the panel (吉安地区 → 吉安市 2000) are known too; the new name before it is a back-cast', () => {
    expect(pick(r('吉安地区', '362400', 1998))).toEqual(['360800', 'renamed']);
    expect(pick(r('吉安地区', '362400', 2012))).toEqual(['360800', 'alias']);
    expect(pick(r('吉安', '360800', 1998))).toEqual(['360800', 'alias']);
    expect(pick(r('吉安市', '360800', 2000))).toEqual(['360800', 'exact']);
  });
});

describe('units that are not cities of the panel are recognised as outside', () => {
  const outside = (x: ReturnType<typeof resolveCity>) => [x.city_code, x.mapping, x.form.unit_kind];
  it('autonomous prefectures, leagues and 地区, by full name, short name, 州 form or code', () => {
    expect(outside(r('延边朝鲜族自治州', '222400', 2020))).toEqual([null, 'outside', 'prefecture']);
    expect(outside(r('延边州', null, 2021, '吉林'))).toEqual([null, 'outside', 'prefecture']);
    expect(outside(r('湘西', null, 2020))).toEqual([null, 'outside', 'prefecture']);
    expect(outside(r('', '652300', 2015))).toEqual([null, 'outside', 'prefecture']);
    expect(outside(r('阿拉善盟', '152900', 2015))).toEqual([null, 'outside', 'prefecture']);
    expect(outside(r('阿里', null, 2015))).toEqual([null, 'outside', 'prefecture']);
    expect(r('延边州', null, 2021).note).toBe('autonomous prefecture (自治州), not a prefecture-level city');
    expect(r('阿拉善盟', null, 2021).note).toBe('league (盟), not a prefecture-level city');
    expect(r('阿里地区', null, 2021).note).toBe('prefecture (地区), not a prefecture-level city');
  });
  it('province-administered county-level units', () => {
    expect(outside(r('仙桃市', '429004', 2015))).toEqual([null, 'outside', 'county_city']);
    expect(outside(r('五指山', '469001', 2015, '海南'))).toEqual([null, 'outside', 'county_city']);
    expect(outside(r('石河子市', null, 2015))).toEqual([null, 'outside', 'county_city']);
    expect(r('仙桃', null, 2015).note).toBe('province-administered county-level unit (省直辖县级行政区), not a prefecture-level city');
  });
  it('units abolished without becoming one city, in their years and when a vendor prints them later', () => {
    expect(outside(r('东川', '530200', 1995))).toEqual([null, 'outside', 'abolished']);
    expect(outside(r('东川市', null, 2005))).toEqual([null, 'outside', 'abolished']);
    expect(outside(r('涪陵', '511400', 1996))).toEqual([null, 'outside', 'abolished']);
    expect(outside(r('黔江地区', null, 1994))).toEqual([null, 'outside', 'abolished']);
    expect(outside(r('万县', null, 1993))).toEqual([null, 'outside', 'abolished']);
    expect(outside(r('沙市', null, 1990))).toEqual([null, 'outside', 'abolished']);
    expect(r('东川', '530200', 1995).note).toBe('abolished unit, not a city of the panel (became a district or county of 昆明市 530100 in 1998)');
  });
  it('a reused code is the unit that held it that year (511400: 涪陵 1995–1996, 眉山 from 2000)', () => {
    expect(r('', '511400', 1996).mapping).toBe('outside');
    expect(pick(r('', '511400', 2015))).toEqual(['511400', 'code']);
    expect(pick(r('眉山', '511400', 2015))).toEqual(['511400', 'exact']);
    expect(r('涪陵', '511400', 2005).mapping).toBe('outside'); // 涪陵 printed with its code after 1997: still 涪陵
  });
  it('a name valid that year means its unit; an older unit of that name only when nothing current matches', () => {
    expect(r('石家庄地区', null, 1991).mapping).toBe('outside'); // the 地区 abolished in 1993
    expect(pick(r('石家庄地区', null, 2015))).toEqual(['130100', 'alias']);
    expect(pick(r('石家庄', null, 1991))).toEqual(['130100', 'exact']);
    expect(pick(r('重庆', null, 2014, '四川'))).toEqual(['500000', 'exact']);
  });
  it('the crosswalk still decides for its units: 莱芜 merged, 巢湖 dropped', () => {
    expect(pick(r('莱芜', '371200', 2018))).toEqual(['370100', 'merged']);
    expect(pick(r('巢湖', '341400', 2011))).toEqual([null, 'dropped']);
  });
});

describe('English names (CSMAR) are read through their code', () => {
  it('a Latin-script name with a code: the code decides, whatever the name says', () => {
    expect(pick(r('Beijing (city)', '110000', 2015))).toEqual(['110000', 'code']);
    expect(pick(r('Laiwu(city)', '371200', 2015))).toEqual(['370100', 'merged']);
    expect(pick(r('Tianjin', '120100', 2015))).toEqual(['120000', 'code']);
    expect(r('Changji Hui Autonomous Prefecture', '652300', 2015).mapping).toBe('outside');
    expect(r('Beijing (city)', '110000', 2015).note).toBe("name in Latin script 'Beijing(city)' read through its code; code 110000 of 北京 110000");
  });
  it('a Latin-script name without a code is an error saying so', () => {
    const e = failure(() => r('Laiwu(city)', null, 2015));
    expect(e.message).toMatch(/'Laiwu\(city\)'.*Latin script is read through its code, and this row has none/);
    expect(e.closest).toEqual([]);
  });
  it('an unknown code with an English name: the closest codes of its province', () => {
    const e = failure(() => r('Shijiazhuang', '130199', 2015));
    expect(e.message).toMatch(/unknown region code '?Shijiazhuang'? \(code 130199/);
    expect(e.closest[0]).toBe('石家庄(130100)');
    expect(e.closest.every((c) => c.includes('(13'))).toBe(true);
  });
});
