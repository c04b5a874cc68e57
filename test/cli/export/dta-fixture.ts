// A small Stata data set with every storage type the writer produces (byte, int, long, float, double, str#,
// strL), system missing values, a value label with Chinese text, a date (%td) and a date-time (%tc).
// `node --import tsx test/cli/export/dta-fixture.ts` writes it to test/fixtures/r/dta-types.dta; then
// `Rscript test/fixtures/r/dta.R` reads that file with haven::read_dta and writes test/fixtures/r/dta-types.json,
// which dta.test.ts compares against (the test needs no R).
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DtaDataset } from '../../../cli/export/dta.ts';

export const FIXTURE_DIR = resolve(import.meta.dirname, '..', '..', 'fixtures', 'r');
export const DTA_FIXTURE_FILE = join(FIXTURE_DIR, 'dta-types.dta');
export const DTA_FIXTURE_JSON = join(FIXTURE_DIR, 'dta-types.json');

const long = '长'.repeat(700); // 2,100 bytes of UTF-8: more than str2045 holds, so a strL

export const DTA_FIXTURE: DtaDataset = {
  label: 'AI 面板 测试; xtset id year',
  sortedBy: ['id'],
  variables: [
    { name: 'id', type: 'int', format: '%8.0g', label: 'row id', valueLabel: '', values: [1, 2, 3, 4, 5] },
    { name: 'b', type: 'byte', format: '%8.0g', label: '字节 byte', valueLabel: '', values: [1, -127, 100, null, 0] },
    { name: 'i', type: 'int', format: '%8.0g', label: 'int', valueLabel: '', values: [1000, -32767, 32740, null, -1] },
    { name: 'l', type: 'long', format: '%12.0g', label: 'long', valueLabel: '', values: [100000, -2147483647, 2147483620, null, 7] },
    { name: 'f', type: 'float', format: '%9.0g', label: 'float', valueLabel: '', values: [1.5, -3.25, 1e10, null, 0.1] },
    { name: 'd', type: 'double', format: '%10.0g', label: 'double [万元]', valueLabel: '', values: [Math.PI, -1e300, 1 / 3, null, Number.NaN] },
    { name: 's', type: { str: 17 }, format: '%-17s', label: 'str#', valueLabel: '', values: ['东部', 'a "quote", comma', '', null, '北京市 Beijing'] },
    { name: 'sl', type: 'strL', format: '%9s', label: 'strL', valueLabel: '', values: [long, 'short', '', null, long] },
    { name: 'region', type: 'byte', format: '%8.0g', label: '地区 region', valueLabel: 'region', values: [1, 2, 3, null, 4] },
    { name: 'dt', type: 'long', format: '%td', label: 'date', valueLabel: '', values: [21915, 0, null, -1, 23435] },
    { name: 'tc', type: 'double', format: '%tc', label: 'date-time', valueLabel: '', values: [1893501296789, 0, null, -1000, 86_400_000] },
  ],
  valueLabels: [{ name: 'region', entries: [{ value: 1, label: '东部 east' }, { value: 2, label: '中部 central' }, { value: 3, label: '西部 west' }] }],
  characteristics: [
    { variable: '_dta', name: 'note0', value: '1' },
    { variable: '_dta', name: 'note1', value: '测试数据 (test data)' },
    { variable: 'd', name: 'unit', value: '万元' },
  ],
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { writeDta } = await import('../../../cli/export/dta.ts');
  writeFileSync(DTA_FIXTURE_FILE, writeDta(DTA_FIXTURE));
  console.log(`wrote ${DTA_FIXTURE_FILE}`);
}
