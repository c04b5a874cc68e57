// CSV, Excel and Arrow from an export frame: missing values, ISO dates, quoting, the codebook.
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import type { ExportColumn, ExportFrame } from '../../../cli/export/frame.ts';
import { frameToArrow, frameToCsv, frameToXlsx } from '../../../cli/export/formats.ts';

const column = (c: Partial<ExportColumn> & Pick<ExportColumn, 'name' | 'kind' | 'values'>): ExportColumn =>
  ({ sourceType: 'VARCHAR', label: '', unit: '', source: '', ...c });

const frame: ExportFrame = {
  nrows: 3,
  label: 'test data',
  notes: ['first note'],
  columns: [
    column({ name: 'city', kind: 'string', values: ['北京', 'a, "b"', ''], label: 'city' }),
    column({ name: 'year', kind: 'integer', sourceType: 'INTEGER', values: [2011, null, 2013] }),
    column({ name: 'x', kind: 'double', sourceType: 'DOUBLE', values: [0.1, Number.NaN, 1e21], label: 'ln(x)', unit: '万元' }),
    column({ name: 'flag', kind: 'boolean', sourceType: 'BOOLEAN', values: [true, false, null] }),
    column({ name: 'day', kind: 'date', sourceType: 'DATE', values: [19724, null, 0] }),
    column({ name: 'at', kind: 'timestamp', sourceType: 'TIMESTAMP', values: [Date.UTC(2024, 0, 2, 3, 4, 5, 250), null, 0] }),
    column({ name: 'region', kind: 'string', values: ['east', 'west', null],
      valueLabels: { name: 'region', entries: [{ value: 'east', code: 1, label: 'east' }, { value: 'west', code: 3, label: 'west' }] } }),
  ],
};

describe('CSV', () => {
  it('ISO dates, missing as empty, an empty string quoted, separators quoted', () => {
    expect(frameToCsv(frame, { na: '', bom: false })).toBe([
      'city,year,x,flag,day,at,region',
      '北京,2011,0.1,true,2024-01-02,2024-01-02T03:04:05.250,east',
      '"a, ""b""",,,false,,,west',
      '"",2013,1e+21,,1970-01-01,1970-01-01T00:00:00,',
      '',
    ].join('\n'));
  });

  it('--na sets the missing marker (text equal to it is quoted); --bom starts with a byte order mark', () => {
    const dotted = { ...frame, columns: [column({ name: 'v', kind: 'string', values: ['.', null, 'ok'] })] };
    expect(frameToCsv(dotted, { na: '.', bom: false })).toBe('v\n"."\n.\nok\n');
    expect(frameToCsv(dotted, { na: '', bom: true }).startsWith('\ufeffv\n')).toBe(true);
  });
});

describe('Excel', () => {
  it('a data sheet with typed cells and a codebook sheet', () => {
    const book = XLSX.read(frameToXlsx(frame));
    expect(book.SheetNames).toEqual(['data', 'codebook']);
    const data = book.Sheets.data;
    expect(data.A2).toMatchObject({ t: 's', v: '北京' });
    expect(data.B2).toMatchObject({ t: 'n', v: 2011 });
    expect(data.B3).toBeUndefined(); // missing: an empty cell
    expect(data.C3).toBeUndefined(); // NaN: an empty cell
    expect(data.D2).toMatchObject({ t: 'b', v: true });
    expect(data.E2).toMatchObject({ t: 'n', v: 19724 + 25569, w: '2024-01-02' }); // a date serial shown as a date
    const codebook = XLSX.utils.sheet_to_json<string[]>(book.Sheets.codebook, { header: 1, defval: '' });
    expect(codebook[0]).toEqual(['variable', 'label', 'unit', 'type', 'value labels (codes of the .dta export)', 'source']);
    expect(codebook[3]).toEqual(['x', 'ln(x)', '万元', 'DOUBLE', '', '']);
    expect(codebook[7][4]).toBe('1 = east; 3 = west');
    expect(codebook.slice(-2)).toEqual([['data set', 'test data', '', '', '', ''], ['note', 'first note', '', '', '', '']]);
  });
});

describe('Arrow IPC', () => {
  it('typed columns with nulls; label, unit and value labels as field metadata', () => {
    const table = tableFromIPC(frameToArrow(frame));
    expect(table.numRows).toBe(3);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'city:Utf8', 'year:Int32', 'x:Float64', 'flag:Bool', 'day:Date32<DAY>', 'at:Timestamp<MILLISECOND>', 'region:Utf8',
    ]);
    expect(table.getChild('year')!.toArray()).toEqual(new Int32Array([2011, 0, 2013]));
    expect(table.getChild('year')!.get(1)).toBeNull();
    expect(table.getChild('region')!.get(2)).toBeNull();
    expect(table.schema.fields[2].metadata.get('label')).toBe('ln(x)');
    expect(table.schema.fields[2].metadata.get('unit')).toBe('万元');
    expect(table.schema.fields[6].metadata.get('stata_value_labels')).toBe('1 = east; 3 = west');
    expect(table.schema.metadata.get('label')).toBe('test data');
  });
});
