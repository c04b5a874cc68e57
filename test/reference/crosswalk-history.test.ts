// The project's reference files checked against the GB/T 2260 code history and the prefecture event list,
// copied into test/fixtures/data (see its README for source and licence).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCityRecords, loadCrosswalk, provinces } from '../../reference/index.ts';

const AREACODES = fileURLToPath(new URL('../fixtures/data/areacodes-history.csv', import.meta.url));
const EVENTS = fileURLToPath(new URL('../fixtures/data/prefecture-events-2000-2026.csv', import.meta.url));

interface CodeRow { code: string; province: string; name: string; level: string; status: string; from: number; to: number | null }

function csv(path: string): string[][] {
  return readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l !== '').slice(1).map((l) => l.split(','));
}
function codes(): CodeRow[] {
  return csv(AREACODES).map((f) => ({
    code: f[0], province: f[1], name: f[3], level: f[4], status: f[5], from: Number(f[6]), to: f[7] === '' ? null : Number(f[7]),
  }));
}
/** in the code list of 31 December of `year` */
const validAt = (r: CodeRow, year: number) => r.from <= year && (r.to === null || r.to > year);

describe('crosswalk against areacodes-history and prefecture events', () => {
  const rows = codes();
  const cities = loadCityRecords();
  const crosswalk = loadCrosswalk();
  const provName = new Map(provinces().map((p) => [p.province_code, p.name]));

  it('every canonical code exists and is in use in 2022 and 2023 under the full name', () => {
    for (const c of cities) {
      const level = c.is_municipality ? '省级' : '地级';
      const hit = rows.find((r) => r.code === c.city_code && r.level === level && validAt(r, 2022) && validAt(r, 2023));
      expect(hit, `${c.city_code} ${c.city_name}`).toBeDefined();
      expect(hit!.name).toBe(c.city_name_full);
      expect(hit!.status).toBe('在用');
      expect(hit!.province).toBe(provName.get(c.province_code));
    }
  });

  it('the universe is every 地级市 of the 2022 list plus the 4 municipalities: 102 / 100 / 95', () => {
    const inUse = rows.filter((r) => r.level === '地级' && r.name.endsWith('市') && validAt(r, 2022)).map((r) => r.code);
    const expected = new Set([...inUse, '110000', '120000', '310000', '500000']);
    expect(new Set(cities.map((c) => c.city_code))).toEqual(expected);
    const count = (region: string) => cities.filter((c) => c.region === region).length;
    expect([count('east'), count('central'), count('west')]).toEqual([102, 100, 95]);
  });

  it('every alias code was valid in the years claimed (a merged unit may be reported in its abolition year)', () => {
    for (const x of crosswalk) {
      const hist = rows.filter((r) => r.code === x.alias_code && r.name === x.alias_name_full && r.level === '地级');
      expect(hist.length, `${x.alias_code} ${x.alias_name_full}`).toBeGreaterThan(0);
      for (let y = x.first_year; y <= x.last_year; y++) {
        const ok = hist.some((r) => validAt(r, y))
          || (x.kind === 'merge' && y === x.last_year && hist.some((r) => r.to === y) && x.approved.startsWith(`${y}-12`));
        expect(ok, `${x.alias_name_full} ${x.alias_code} in ${y}`).toBe(true);
      }
      if (x.kind === 'renamed' || x.kind === 'drop') {
        // valid until the year of the change, gone from that year's list on
        expect(hist.some((r) => r.to === x.last_year + 1), `${x.alias_name_full} ends ${x.last_year + 1}`).toBe(true);
      }
      if (x.kind === 'new') expect(hist.some((r) => r.from === x.first_year)).toBe(true);
    }
  });

  it('the first year a canonical city is reported equals the year its 地级市 code entered the list (from 2011)', () => {
    for (const c of cities.filter((c) => !c.is_municipality)) {
      const r = rows.find((r) => r.code === c.city_code && r.level === '地级' && r.status === '在用')!;
      expect(c.first_year, c.city_name).toBe(Math.max(2011, r.from));
    }
  });

  it('every prefecture-level change 2010–2023 touching a city of the universe is covered by a crosswalk row', () => {
    const universe = new Set(cities.map((c) => c.city_code));
    const changed = rows.filter((r) => r.level === '地级'
      && ((r.from >= 2010 && r.from <= 2023) || (r.to !== null && r.to >= 2010 && r.to <= 2023)));
    expect(changed.length).toBeGreaterThan(20);
    for (const r of changed) {
      if (r.status === '在用') {
        // a new or renamed canonical city: a row points to it
        if (!r.name.endsWith('市')) continue; // not a city (none in this period)
        expect(universe.has(r.code), `${r.code} ${r.name}`).toBe(true);
        expect(crosswalk.some((x) => x.city_code === r.code), `${r.code} ${r.name} has a crosswalk row`).toBe(true);
      } else {
        // an ended code: its alias row, valid up to the change (or reported in the change year for a merge)
        const x = crosswalk.find((x) => x.alias_code === r.code && x.alias_name_full === r.name);
        expect(x, `${r.code} ${r.name} ended ${r.to}`).toBeDefined();
        expect([r.to! - 1, r.to]).toContain(x!.last_year);
        if (x!.city_code !== null && x!.city_code !== r.code) expect(universe.has(x!.city_code)).toBe(true);
      }
    }
  });

  it('every event of 2010–2023 in the prefecture event list is in the crosswalk with its approval date and document', () => {
    const events = csv(EVENTS).filter((f) => Number(f[1]) >= 2010 && Number(f[1]) <= 2023);
    expect(events.length).toBeGreaterThan(10);
    for (const e of events) {
      const [, , , from, , to, , , , , , approved, , doc] = e;
      const x = crosswalk.find((x) => x.alias_name_full === from && x.approved === approved)
        ?? crosswalk.find((x) => x.kind === 'new' && x.alias_name_full === to && x.approved === approved);
      expect(x, `${from} → ${to} (${approved})`).toBeDefined();
      if (doc.startsWith('国函')) expect(x!.basis).toBe(doc);
    }
  });
});
