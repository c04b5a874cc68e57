// The Stata writer against what R's haven reads from it (test/fixtures/r/dta-types.json, made by
// test/fixtures/r/dta.R from the file test/cli/export/dta-fixture.ts writes), and against the project's own reader.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type DtaDataset, readDta, writeDta } from '../../../cli/export/dta.ts';
import type { ExportColumn, ExportFrame } from '../../../cli/export/frame.ts';
import { frameToDta, stataName } from '../../../cli/export/formats.ts';
import { DTA_FIXTURE, DTA_FIXTURE_FILE, DTA_FIXTURE_JSON } from './dta-fixture.ts';

interface RVariable {
  name: string;
  class: string | string[];
  label: string;
  format: string;
  labels: Array<{ value: number; label: string }> | null;
  values: Array<number | string | null>;
}
const R = JSON.parse(readFileSync(DTA_FIXTURE_JSON, 'utf8')) as { label: string; nrow: number; variables: RVariable[] };

const STATA_EPOCH_MS = Date.UTC(1960, 0, 1);
const asR = (v: number | string | null, format: string): number | string | null => {
  if (v === null) return null;
  if (format === '%td') return new Date(STATA_EPOCH_MS + (v as number) * 86_400_000).toISOString().slice(0, 10);
  if (format === '%tc') return new Date(STATA_EPOCH_MS + (v as number)).toISOString().slice(0, 23);
  return v;
};

describe('dta 118 writer', () => {
  it('writes the fixture byte for byte as committed (the file R read)', () => {
    expect(Buffer.from(writeDta(DTA_FIXTURE)).equals(readFileSync(DTA_FIXTURE_FILE))).toBe(true);
  });

  it('what haven reads from it: data set label, names, formats, variable labels, value labels, values', () => {
    const file = readDta(writeDta(DTA_FIXTURE));
    expect(R.label).toBe(DTA_FIXTURE.label);
    expect(file.label).toBe(R.label);
    expect(R.nrow).toBe(5);
    expect(file.variables.map((v) => v.name)).toEqual(R.variables.map((v) => v.name));
    for (const [j, rv] of R.variables.entries()) {
      const v = file.variables[j];
      expect(v.format, rv.name).toBe(rv.format);
      expect(v.label, rv.name).toBe(rv.label);
      const set = file.valueLabels.find((s) => s.name === v.valueLabel);
      expect(set?.entries ?? null, rv.name).toEqual(rv.labels);
      const ours = v.values.map((x) => asR(x, v.format));
      rv.values.forEach((expected, i) => {
        const got = ours[i];
        if (typeof expected === 'number') expect(Math.abs((got as number) - expected), `${rv.name}[${i}]`).toBeLessThanOrEqual(Math.abs(expected) * 1e-14);
        else expect(got, `${rv.name}[${i}]`).toBe(expected);
      });
    }
    // haven's classes: labelled numbers, dates, date-times, text
    const cls = Object.fromEntries(R.variables.map((v) => [v.name, ([] as string[]).concat(v.class)]));
    expect(cls.region).toContain('haven_labelled');
    expect(cls.dt).toEqual(['Date']);
    expect(cls.tc).toContain('POSIXct');
    expect(cls.s).toEqual(['character']);
    expect(cls.sl).toEqual(['character']);
    // a missing string and an empty one are both "" in Stata
    expect(R.variables.find((v) => v.name === 's')!.values[3]).toBe('');
    expect((R.variables.find((v) => v.name === 'sl')!.values[0] as string).length).toBe(700);
  });

  it('round trip through the project\u2019s reader: types, sort order, characteristics, value labels', () => {
    const file = readDta(writeDta(DTA_FIXTURE));
    expect(file.release).toBe(118);
    expect(file.timestamp).toBe('');
    expect(file.sortedBy).toEqual(['id']);
    expect(file.characteristics).toEqual(DTA_FIXTURE.characteristics);
    expect(file.valueLabels).toEqual(DTA_FIXTURE.valueLabels);
    expect(file.variables.map((v) => v.type)).toEqual(DTA_FIXTURE.variables.map((v) => v.type));
    for (const [j, v] of DTA_FIXTURE.variables.entries()) {
      const written = v.values.map((x) => (typeof x === 'number' && Number.isNaN(x) ? null : x === null && (typeof v.type === 'object' || v.type === 'strL') ? '' : x));
      const read = file.variables[j].values;
      if (v.type === 'float') read.forEach((x, i) => expect(x).toBe(written[i] === null ? null : Math.fround(written[i] as number)));
      else expect(read, v.name).toEqual(written);
    }
  });

  it.each<[string, (d: DtaDataset) => void, RegExp]>([
    ['a byte out of range', (d) => { d.variables[1].values[0] = 101; }, /101 does not fit the byte variable 'b'/],
    ['a fraction in an int', (d) => { d.variables[2].values[0] = 1.5; }, /1\.5 does not fit the int variable 'i'/],
    ['text longer than its str#', (d) => { d.variables[6].values[0] = 'x'.repeat(18); }, /longer than str17/],
    ['an invalid name', (d) => { d.variables[1].name = '1b'; }, /'1b' is not a Stata variable name/],
    ['a duplicate name', (d) => { d.variables[2].name = 'b'; }, /duplicate variable 'b'/],
    ['columns of different lengths', (d) => { d.variables[1].values.push(1); }, /'b' has 6 values, expected 5/],
  ])('refuses %s, naming the variable', (_name, spoil, message) => {
    const d = structuredClone(DTA_FIXTURE);
    spoil(d);
    expect(() => writeDta(d)).toThrow(message);
  });
});

const column = (c: Partial<ExportColumn> & Pick<ExportColumn, 'name' | 'kind' | 'values'>): ExportColumn =>
  ({ sourceType: 'X', label: '', unit: '', source: '', ...c });

describe('an export frame as Stata data', () => {
  const frame: ExportFrame = {
    nrows: 3,
    label: 'test panel; xtset city_code year',
    notes: ['a note'],
    panel: { unit: 'city_code', time: 'year' },
    columns: [
      column({ name: 'city_code', kind: 'string', values: ['110000', '110000', '320100'], numericCode: true, label: 'city code' }),
      column({ name: 'year', kind: 'integer', values: [2011, 2012, 2011] }),
      column({ name: 'region', kind: 'string', values: ['east', null, 'west'],
        valueLabels: { name: 'region', entries: [{ value: 'east', code: 1, label: 'east' }, { value: 'west', code: 3, label: 'west' }] } }),
      column({ name: 'is_municipality', kind: 'boolean', values: [true, true, false],
        valueLabels: { name: 'noyes', entries: [{ value: 0, code: 0, label: 'no' }, { value: 1, code: 1, label: 'yes' }] } }),
      column({ name: 'big', kind: 'integer', values: [32740, -5, null] }),
      column({ name: 'huge', kind: 'integer', values: [3_000_000_000, 0, 1] }),
      column({ name: 'Inn', kind: 'double', values: [1.5, Number.NaN, null], label: 'ln(patents granted)', unit: '件' }),
      column({ name: 'city_name', kind: 'string', values: ['北京', '北京', '南京市'] }),
      column({ name: 'note', kind: 'string', values: ['é'.repeat(1100), '', null] }),
      column({ name: 'day', kind: 'date', values: [0, 18262, null] }),
    ],
  };

  it('chooses the smallest type, encodes categories, keeps codes as numbers, sorts by the panel variables', () => {
    const d = readDta(writeDta(frameToDta(frame)));
    const v = Object.fromEntries(d.variables.map((x) => [x.name, x]));
    expect(v.city_code.type).toBe('long');
    expect(v.city_code.values).toEqual([110000, 110000, 320100]);
    expect(v.year.type).toBe('int');
    expect(v.region).toMatchObject({ type: 'byte', valueLabel: 'region', values: [1, null, 3] });
    expect(v.is_municipality).toMatchObject({ type: 'byte', valueLabel: 'noyes', values: [1, 1, 0] });
    expect(v.big.type).toBe('int');
    expect(v.huge.type).toBe('double');
    expect(v.Inn).toMatchObject({ type: 'double', label: 'ln(patents granted) [件]', values: [1.5, null, null] });
    expect(v.city_name).toMatchObject({ type: { str: 9 }, format: '%-9s' });
    expect(v.note.type).toBe('strL'); // 2,200 bytes
    expect(v.day).toMatchObject({ type: 'long', format: '%td', values: [3653, 21915, null] });
    expect(d.sortedBy).toEqual(['city_code', 'year']);
    expect(d.label).toBe('test panel; xtset city_code year');
    expect(d.valueLabels.map((s) => s.name)).toEqual(['region', 'noyes']);
    expect(d.characteristics).toContainEqual({ variable: 'Inn', name: 'unit', value: '件' });
    const notes = d.characteristics.filter((c) => c.variable === '_dta');
    expect(notes[0]).toEqual({ variable: '_dta', name: 'note0', value: '3' });
    expect(notes.map((n) => n.value).join('\n')).toMatch(/region is stored as integer codes.*\n.*city_code is a number/);
  });

  it('does not claim a sort order the rows do not have', () => {
    const unsorted = { ...frame, columns: frame.columns.map((c) => (c.name === 'year' ? { ...c, values: [2012, 2011, 2011] } : c)) };
    expect(readDta(writeDta(frameToDta(unsorted))).sortedBy).toEqual([]);
  });

  it('makes valid, distinct Stata names', () => {
    const taken = new Set<string>();
    expect(['in', 'gdp growth', '2015_value', 'a'.repeat(40), 'a'.repeat(40), '地区'].map((n) => stataName(n, taken)))
      .toEqual(['in_', 'gdp_growth', '_2015_value', 'a'.repeat(32), 'a'.repeat(30) + '_2', '地区']);
  });
});
