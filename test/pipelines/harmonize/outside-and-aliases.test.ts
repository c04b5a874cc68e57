// Units outside the panel's cities are left out and reported; units that cannot be placed are all listed in one
// error; the user's aliases.csv wins over the project's reference and is recorded. In memory (harmonize), in the
// stage's per-file form (harmonizeParts) and through the stage itself (the aliases file is part of its version).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseUserAliases, readUserAliases, type UserAlias } from '../../../pipelines/harmonize/aliases.ts';
import { harmonizeStage } from '../../../pipelines/harmonize/index.ts';
import { harmonize, harmonizeParts, UNPLACED_SHOWN, UnplacedUnitsError, type HarmonizedPartMeta } from '../../../pipelines/harmonize/parts.ts';
import { STAGED_PARTS } from '../../../pipelines/ingest/handoff.ts';
import { INDICATOR_COLUMNS } from '../../../pipelines/ingest/index.ts';
import { PartCache, STAGED_COLUMNS } from '../../../pipelines/runner/part-cache.ts';
import { Handoff, type StageContext } from '../../../pipelines/runner/stage.ts';
import { StageDb } from '../../../pipelines/core/db.ts';
import { DataError } from '../../../pipelines/core/errors.ts';
import { defaultSettings } from '../../../schemas/settings.ts';
import type { StagedValue } from '../../../schemas/staged.ts';
import { encodeGbk } from '../../helpers/gbk.ts';

let line = 0;
const sv = (name: string, code: string | null, year: number, o: Partial<StagedValue> = {}): StagedValue => ({
  source_id: 'vendor', file: 'vendor/gdp.csv', sheet: '', cell: `B${++line}`, file_sha256: 'a'.repeat(64),
  layout: 'long', indicator: 'gdp', scope: '全市', year, name_raw: name, code_raw: code,
  province_raw: null, value: 1, unit: '亿元', missing_marker: null, ...o,
});
const years = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A vendor long panel with units outside the panel's cities, stale codes and an English name. */
function vendorPanel(): StagedValue[] {
  return [
    ...years(2011, 2022).map((y) => sv('石家庄市', '130100', y)),
    ...years(2020, 2022).map((y) => sv('延边朝鲜族自治州', '222400', y)),
    ...years(2011, 2022).flatMap((y) => [sv('仙桃市', '429004', y), sv('仙桃市', '429004', y, { indicator: 'population', unit: '万人' })]),
    sv('东川市', '530200', 2011),
    ...years(2015, 2022).map((y) => sv('儋州市', '469003', y)),
    ...years(2011, 2020).map((y) => sv('吐鲁番', '652100', y)),
    ...years(2011, 2018).map((y) => sv('Laiwu(city)', '371200', y)),
    sv('巢湖市', '341400', 2011),
    sv('莱芜市', '371200', 2019),
  ];
}

describe('units outside the panel are left out and reported, not errors', () => {
  it('keeps the cities, maps stale codes, and accounts for every row left out', () => {
    const staged = vendorPanel();
    const { values, counts, outside } = harmonize(staged, { merge: 'merge' });
    expect(values.every((v) => v.city_code !== null)).toBe(true);
    expect(new Set(values.map((v) => v.city_code))).toEqual(new Set(['130100', '460400', '650400', '370100']));
    expect(values.filter((v) => v.city_code === '460400').every((v) => v.mapping === 'alias')).toBe(true);
    expect(values.filter((v) => v.name_raw === 'Laiwu(city)').map((v) => v.mapping)).toEqual(Array(8).fill('merged'));
    expect(counts.outside).toBe(3 + 24 + 1);
    expect(counts.dropped).toBe(2);
    expect(values.length + counts.outside + counts.dropped).toBe(staged.length);

    const row = (unit: string) => outside.find((o) => o.unit === unit)!;
    expect(row('延边朝鲜族自治州')).toEqual({
      file: 'vendor/gdp.csv', unit: '延边朝鲜族自治州', code: '222400', province: null, first_year: 2020, last_year: 2022, rows: 3,
      matched: '延边 222400', kind: 'prefecture', why: 'autonomous prefecture (自治州), not a prefecture-level city',
    });
    expect(row('仙桃市')).toMatchObject({ first_year: 2011, last_year: 2022, rows: 24, kind: 'county_city' });
    expect(row('东川市')).toMatchObject({ rows: 1, kind: 'abolished', why: expect.stringMatching(/昆明市 530100 in 1998/) });
    expect(row('巢湖市')).toMatchObject({ rows: 1, kind: 'abolished', why: expect.stringMatching(/split among 340100, 340200, 340500/) });
    expect(row('莱芜市')).toMatchObject({ rows: 1, kind: 'merged', first_year: 2019 });
    expect(outside.reduce((s, o) => s + o.rows, 0)).toBe(counts.outside + counts.dropped);
  });

  it('the stage form gives the same rows and the same report, per file', async () => {
    const db = await StageDb.open();
    try {
      const staged = vendorPanel();
      const other = staged.slice(0, 20).map((s) => ({ ...s, file: 'vendor/other.csv' }));
      const parts = await asParts(db, [staged, other]);
      const cache = new PartCache<HarmonizedPartMeta>(mkdtempSync(join(tmpdir(), 'ho-')), 'v');
      const result = await harmonizeParts(db, { merge: 'merge' }, parts, cache);
      const expected = harmonize([...staged, ...other], { merge: 'merge' });
      expect(result.outside).toEqual(expected.outside);
      expect(result.outside.filter((o) => o.file === 'vendor/other.csv').map((o) => o.unit)).toEqual(['延边朝鲜族自治州', '仙桃市']);
      expect(result.rows).toBe(expected.values.length);
      // from the cache: the same report
      const again = await harmonizeParts(db, { merge: 'merge' }, parts, cache);
      expect(again.fresh).toBe(0);
      expect(again.outside).toEqual(expected.outside);
    } finally {
      db.close();
    }
  });
});

describe('units that cannot be placed: all of them in one error', () => {
  const unknown = (i: number) => sv(`未知市${i}`, null, 2015, { file: `vendor/f${i % 2}.csv`, cell: `A${i + 2}` });

  it('lists every unit once (file, cell, printed name and code, closest names), after looking at every file', () => {
    const rows = [sv('石家妆', null, 2015, { province_raw: '河北', cell: 'A57' }), sv('石家妆', null, 2016, { province_raw: '河北' }), sv('Shijiazhuang', null, 2015, { cell: 'A60' }),
      sv('Foo', '139999', 2015, { cell: 'A61' }), sv('石家庄', null, 2015)];
    let error: unknown;
    try { harmonize(rows, { merge: 'merge' }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(UnplacedUnitsError);
    expect(error).toBeInstanceOf(DataError);
    const { units, message } = error as UnplacedUnitsError;
    expect(units.map((u) => [u.name, u.code, u.cell])).toEqual([['石家妆', null, 'A57'], ['Shijiazhuang', null, 'A60'], ['Foo', '139999', 'A61']]);
    expect(units[0].closest.slice(0, 2)).toEqual(['石家庄', '张家口']);
    expect(units[1].closest).toEqual([]);
    expect(units[2].closest[0]).toMatch(/\(1399|\(13/);
    expect(message).toMatch(/^3 printed units the project cannot place \(add each to aliases\.csv/);
    expect(message).toContain("file vendor/gdp.csv, cell A57: a city of the panel universe: unknown city '石家妆' (code -, province 河北, year 2015); closest known names: 石家庄, 张家口, ");
    expect(message).toMatch(/cell A60: .*Latin script is read through its code, and this row has none/);
    expect(message.includes('\n')).toBe(false);
  });

  it('shows the first 20 on the terminal and keeps all of them in the error', () => {
    const rows = Array.from({ length: 27 }, (_, i) => unknown(i));
    let error: UnplacedUnitsError | undefined;
    try { harmonize(rows, { merge: 'merge' }); } catch (e) { error = e as UnplacedUnitsError; }
    expect(error!.units).toHaveLength(27);
    expect(error!.message).toMatch(/^27 printed units/);
    expect(error!.message).toMatch(/; and 7 more$/);
    expect(error!.message.split(' | ')).toHaveLength(UNPLACED_SHOWN);
    expect(error!.message).not.toContain('未知市20');
  });

  it('the stage form lists the same units across files, and writes no part that holds one', async () => {
    const db = await StageDb.open();
    try {
      const good = [sv('石家庄', null, 2015)];
      const bad1 = [unknown(1), sv('唐山', null, 2015, { file: 'vendor/f1.csv' })];
      const bad2 = [unknown(2), unknown(4)];
      const parts = await asParts(db, [good, bad1, bad2]);
      const cache = new PartCache<HarmonizedPartMeta>(mkdtempSync(join(tmpdir(), 'ho-')), 'v');
      let inMemory = '';
      try { harmonize([...good, ...bad1, ...bad2], { merge: 'merge' }); } catch (e) { inMemory = (e as Error).message; }
      await expect(harmonizeParts(db, { merge: 'merge' }, parts, cache)).rejects.toThrow(inMemory);
      expect(inMemory).toMatch(/^3 printed units/);
      expect(cache.meta(parts[0].key)).toBeDefined();
      expect(cache.meta(parts[1].key)).toBeUndefined();
      expect(cache.meta(parts[2].key)).toBeUndefined();
    } finally {
      db.close();
    }
  });
});

describe('the user’s aliases.csv', () => {
  const csv = (text: string) => Buffer.from(text, 'utf8');

  it('reads names and codes, optional years and notes, BOM, quotes, CRLF and GBK', () => {
    const text = '\uFEFFprinted,first_year,last_year,city_code,note\r\n石家妆,,,130100,typo in the 2016 export\r\n'
      + '"延边朝鲜族自治州",2020,2022,outside,"not a city, a 自治州"\r\n 469003 ,2015,,460400,\r\n';
    const expected: UserAlias[] = [
      { line: 2, printed: '石家妆', is_code: false, first_year: null, last_year: null, city_code: '130100', note: 'typo in the 2016 export' },
      { line: 3, printed: '延边朝鲜族自治州', is_code: false, first_year: 2020, last_year: 2022, city_code: null, note: 'not a city, a 自治州' },
      { line: 4, printed: '469003', is_code: true, first_year: 2015, last_year: null, city_code: '460400', note: '' },
    ];
    expect(parseUserAliases(csv(text))).toEqual(expected);
    expect(parseUserAliases(encodeGbk(text.replace('\uFEFF', '')))).toEqual(expected);
    expect(parseUserAliases(csv('city_code,printed\n110000,京\n'))).toEqual([
      { line: 2, printed: '京', is_code: false, first_year: null, last_year: null, city_code: '110000', note: '' }]);
  });

  it('refuses a bad line naming its cell', () => {
    expect(() => parseUserAliases(csv('printed,city_code\n石家妆,999999\n'))).toThrow(/file aliases\.csv, cell B2: a city_code of reference\/cities\.csv .* found '999999'/);
    expect(() => parseUserAliases(csv('printed,city_code\n石家妆,outsid\n'))).toThrow(/cell B2/);
    expect(() => parseUserAliases(csv('printed,citycode\n石家妆,130100\n'))).toThrow(/cell B1: a column of printed, first_year, last_year, city_code, note, found 'citycode'/);
    expect(() => parseUserAliases(csv('printed,first_year,city_code\n石家妆,20x5,130100\n'))).toThrow(/cell B2: a data year/);
    expect(() => parseUserAliases(csv('printed,first_year,last_year,city_code\n石家妆,2015,2018,130100\n石家妆,2018,,outside\n')))
      .toThrow(/cell A3: one line per printed unit and year: '石家妆' is also on line 2/);
    expect(() => parseUserAliases(csv('printed,city_code\n,130100\n'))).toThrow(/cell A2/);
    expect(() => parseUserAliases(csv('printed,city_code\n \u3000 ,130100\n'))).toThrow(
      /^file aliases\.csv, cell A2: the unit as printed \(a name or a region code\), found nothing$/);
  });

  it('user lines win over the reference, apply to their years only, and are counted', () => {
    const aliases = parseUserAliases(csv('printed,first_year,last_year,city_code,note\n'
      + '石家妆,,,130100,typo\n延边朝鲜族自治州,2021,,outside,\n巢湖市,2011,2011,340100,as 合肥 (a choice)\n469003,2019,2019,outside,\n'));
    const rows = [sv('石家妆', null, 2016), ...years(2020, 2022).map((y) => sv('延边朝鲜族自治州', '222400', y)), sv('巢湖市', '341400', 2011),
      ...years(2018, 2020).map((y) => sv('儋州市', '469003', y))];
    const { values, outside, aliasRows, counts, events } = harmonize(rows, { merge: 'merge', aliases });
    const by = (name: string, year: number) => values.find((v) => v.name_raw === name && v.year === year);
    expect([by('石家妆', 2016)?.city_code, by('石家妆', 2016)?.mapping]).toEqual(['130100', 'user']);
    expect([by('巢湖市', 2011)?.city_code, by('巢湖市', 2011)?.mapping]).toEqual(['340100', 'user']);
    expect(by('儋州市', 2019)).toBeUndefined();
    expect([by('儋州市', 2020)?.city_code, by('儋州市', 2020)?.mapping]).toEqual(['460400', 'alias']);
    expect(counts.user).toBe(2);
    expect(outside.map((o) => [o.unit, o.kind, o.first_year, o.last_year, o.rows])).toEqual([
      ['延边朝鲜族自治州', 'prefecture', 2020, 2020, 1], ['延边朝鲜族自治州', 'user', 2021, 2022, 2], ['儋州市', 'user', 2019, 2019, 1]]);
    expect(outside[1]).toMatchObject({ matched: 'aliases.csv line 3', why: "outside by the user's aliases.csv line 3" });
    expect(aliasRows).toEqual({ 2: 1, 3: 2, 4: 1, 5: 1 });
    expect(events.find((e) => e.name_raw === '石家妆')).toEqual({
      action: 'mapped', mapping: 'user', reason: "the user's aliases.csv line 2: 130100 (typo)", name_raw: '石家妆', code_raw: null, province_raw: null,
      city_code: '130100', unit: 'aliases.csv line 2', years: [2016], rows: 1, source_ids: ['vendor'],
    });
  });

  it('is found in the raw folder, with the hash of its bytes', () => {
    const raw = mkdtempSync(join(tmpdir(), 'ho-raw-'));
    expect(readUserAliases(raw)).toEqual({ aliases: [], sha256: null });
    writeFileSync(join(raw, 'aliases.csv'), 'printed,city_code\n石家妆,130100\n');
    const read = readUserAliases(raw);
    expect(read.aliases.map((a) => a.printed)).toEqual(['石家妆']);
    expect(read.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the stage: its lines and their rows in meta_user_aliases, the outside units in quality_outside_units, and a '
    + 'changed aliases.csv makes every part again', async () => {
    const raw = mkdtempSync(join(tmpdir(), 'ho-raw-'));
    const out = mkdtempSync(join(tmpdir(), 'ho-out-'));
    const db = await StageDb.open();
    try {
      const parts = await asParts(db, [[sv('石家妆', null, 2016), sv('唐山', null, 2016)], [sv('仙桃', '429004', 2016), sv('唐山', null, 2017)]]);
      const ctx: StageContext = {
        db, settings: defaultSettings(), rawDir: raw, outDir: out, progress: () => {}, handoff: new Handoff(), rawFiles: new Map(),
        run: { record: {} as StageContext['run']['record'], log: join(out, 'runs.jsonl') },
      };
      ctx.handoff.set(STAGED_PARTS, parts.map((p) => ({ ...p, file: 'vendor/gdp.csv', sha256: 'a'.repeat(64) })));
      // the ingest stage's list of indicators: no extra ones here
      await db.createAndAppend('stg_indicators', INDICATOR_COLUMNS, []);
      await expect(harmonizeStage.run(ctx)).rejects.toThrow(/^1 printed unit the project cannot place/);

      writeFileSync(join(raw, 'aliases.csv'), 'printed,city_code,note\n石家妆,130100,typo\n');
      const first = await harmonizeStage.run(ctx);
      expect(first.detail).toMatch(/2 files, 2 harmonized, 0 unchanged; 1 row of 1 printed unit left out \(quality_outside_units\); 1 line of aliases\.csv/);
      expect(await db.rows('SELECT line, printed, city_code, note, rows FROM meta_user_aliases')).toEqual([{ line: 2, printed: '石家妆', city_code: '130100', note: 'typo', rows: 1 }]);
      expect(await db.rows('SELECT unit, code, kind, rows FROM quality_outside_units')).toEqual([{ unit: '仙桃', code: '429004', kind: 'county_city', rows: 1 }]);
      expect(await db.rows("SELECT city_code, mapping FROM harmonized WHERE name_raw = '石家妆'")).toEqual([{ city_code: '130100', mapping: 'user' }]);
      expect((await harmonizeStage.run(ctx)).detail).toMatch(/0 harmonized, 2 unchanged/);

      writeFileSync(join(raw, 'aliases.csv'), 'printed,city_code,note\n石家妆,130100,typo\n仙桃,outside,\n');
      const changed = await harmonizeStage.run(ctx);
      expect(changed.detail).toMatch(/2 harmonized, 0 unchanged/);
      expect(await db.rows('SELECT unit, kind, why FROM quality_outside_units')).toEqual([{ unit: '仙桃', kind: 'user', why: "outside by the user's aliases.csv line 3" }]);
    } finally {
      db.close();
    }
  });
});

/** Each list of values as one ingest part, in order. */
async function asParts(db: StageDb, files: StagedValue[][]): Promise<Array<{ key: string; path: string }>> {
  const cache = new PartCache<null>(mkdtempSync(join(tmpdir(), 'ho-in-')), 'v');
  const parts = [];
  for (const [i, values] of files.entries()) {
    await cache.writeRows(db, `p${i}`, STAGED_COLUMNS, values as unknown as Record<string, unknown>[], null);
    parts.push({ key: `p${i}`, path: cache.partPath(`p${i}`) });
  }
  return parts;
}
