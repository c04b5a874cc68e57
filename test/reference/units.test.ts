// reference/units.csv: every prefecture-level, municipal and province-administered county-level code since 1990,
// checked against the GB/T 2260 code history it was derived from (test/fixtures/data, CC0) and against cities.csv.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCities, loadCrosswalk, loadUnits } from '../../reference/index.ts';

const AREACODES = fileURLToPath(new URL('../fixtures/data/areacodes-history.csv', import.meta.url));
interface CodeRow { code: string; province: string; parent: string; name: string; level: string; from: number; to: number | null }
const history: CodeRow[] = readFileSync(AREACODES, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l !== '').slice(1)
  .map((l) => l.split(','))
  .map((f) => ({ code: f[0], province: f[1], parent: f[2], name: f[3], level: f[4], from: Number(f[6]), to: f[7] === '' ? null : Number(f[7]) }));

const units = loadUnits();
const unit = (code: string, year?: number) => {
  const hits = units.filter((u) => u.code === code && (year === undefined || (u.first_year <= year && (u.last_year ?? 9999) >= year)));
  expect(hits, `${code} ${year ?? ''}`).toHaveLength(1);
  return hits[0];
};

describe('reference/units.csv', () => {
  it('holds every 地级 code, municipality and province-administered county-level unit of the lists 1990–2024, with its years', () => {
    const since1990 = (r: CodeRow) => r.to === null || r.to > 1990;
    const municipalities = new Set(['110000', '120000', '310000', '500000']);
    const expected = history.filter((r) => since1990(r) && (r.level === '地级'
      || (r.level === '省级' && municipalities.has(r.code))
      || (r.level === '县级' && r.parent === '直辖' && !municipalities.has(`${r.code.slice(0, 2)}0000`))));
    expect(units).toHaveLength(expected.length);
    for (const r of expected) {
      const u = units.find((u) => u.code === r.code && u.first_year === r.from);
      expect(u, `${r.code} ${r.name}`).toBeDefined();
      expect(u!.name_full).toBe(r.name);
      expect(u!.last_year).toBe(r.to === null ? null : r.to - 1);
    }
  });

  it('every canonical city is a unit of kind city of its own, and every city unit points to a canonical city', () => {
    const cities = new Set(loadCities().map((c) => c.city_code));
    const own = units.filter((u) => u.kind === 'city' && u.code === u.city_code && u.last_year === null);
    expect(new Set(own.map((u) => u.code))).toEqual(cities);
    for (const u of units.filter((u) => u.kind === 'city')) expect(cities.has(u.city_code!), `${u.code} ${u.name_full}`).toBe(true);
    expect(units.filter((u) => u.kind !== 'city').every((u) => !cities.has(u.code) || u.last_year !== null)).toBe(true);
  });

  it('stale codes of cities resolve to the city they became', () => {
    expect(unit('469003')).toMatchObject({ name: '儋州', kind: 'city', city_code: '460400', first_year: 2001, last_year: 2014, successor_codes: ['460400'] });
    expect(unit('460003')).toMatchObject({ kind: 'city', city_code: '460400' }); // 儋州 before its 2001 renumbering
    expect(unit('652100')).toMatchObject({ name: '吐鲁番地区', kind: 'city', city_code: '650400', last_year: 2014 });
    expect(unit('542400')).toMatchObject({ name: '那曲地区', kind: 'city', city_code: '540600', last_year: 2016 });
    expect(unit('652200')).toMatchObject({ name: '哈密地区', kind: 'city', city_code: '650500', last_year: 2015 });
    expect(unit('522400')).toMatchObject({ name: '毕节地区', kind: 'city', city_code: '520500', last_year: 2010 });
    expect(unit('362400')).toMatchObject({ name: '吉安地区', kind: 'city', city_code: '360800', last_year: 1999 });
    expect(unit('372300', 1991)).toMatchObject({ name_full: '惠民地区', kind: 'city', city_code: '371600' }); // renamed 滨州地区, then 滨州市
    expect(unit('421000', 1995)).toMatchObject({ name_full: '荆沙市', kind: 'city', city_code: '421000' });
  });

  it('autonomous prefectures, leagues and 地区 are prefectures; Hubei’s, Hainan’s and Xinjiang’s county-level units are county_city', () => {
    const current = units.filter((u) => u.kind === 'prefecture' && u.last_year === null);
    expect(current).toHaveLength(40);
    expect(current.filter((u) => u.name_full.endsWith('自治州'))).toHaveLength(30);
    expect(unit('222400')).toMatchObject({ name: '延边', name_full: '延边朝鲜族自治州', also: ['延边州'], kind: 'prefecture' });
    expect(unit('433100')).toMatchObject({ name: '湘西', kind: 'prefecture' });
    expect(unit('652300')).toMatchObject({ name: '昌吉', kind: 'prefecture' });
    expect(unit('632500')).toMatchObject({ name: '海南州', also: [] }); // not the province 海南
    expect(unit('152900')).toMatchObject({ name: '阿拉善盟', kind: 'prefecture' });
    for (const code of ['429004', '429005', '429006', '429021', '469001', '469002', '419001', '659001']) {
      expect(unit(code).kind, code).toBe('county_city');
    }
    expect(unit('469001').name).toBe('五指山');
  });

  it('units abolished without becoming one city: 东川, 涪陵, 黔江, 万县, 沙市, 巢湖, 莱芜', () => {
    expect(unit('530200')).toMatchObject({ name: '东川', kind: 'abolished', last_year: 1997, successor_codes: ['530100'] });
    expect(unit('511400', 1996)).toMatchObject({ name: '涪陵', kind: 'abolished', successor_codes: ['500000'] });
    expect(unit('511400', 2010)).toMatchObject({ name: '眉山', kind: 'city' }); // the code was given to 眉山 in 2000
    expect(unit('513500')).toMatchObject({ name: '黔江地区', kind: 'abolished' });
    expect(unit('511200')).toMatchObject({ name: '万县', kind: 'abolished' });
    expect(unit('420400')).toMatchObject({ name: '沙市', kind: 'abolished', successor_codes: ['421000'] });
    expect(unit('341400')).toMatchObject({ kind: 'abolished', successor_codes: ['340100', '340200', '340500'] });
    expect(unit('371200')).toMatchObject({ kind: 'abolished', successor_codes: ['370100'] });
    expect(unit('530200').note).toMatch(/昆明市 530100 in 1998/);
  });

  it('agrees with the crosswalk on the predecessors 2010–2018', () => {
    for (const x of loadCrosswalk().filter((x) => x.kind === 'renamed' && x.alias_code !== x.city_code)) {
      expect(unit(x.alias_code, x.last_year), x.alias_name).toMatchObject({ kind: 'city', city_code: x.city_code, last_year: x.last_year });
    }
  });
});
