/** raw/README.md: what the sample files are and how to replace them with real exports. */
import { EPS_FILES } from './write-eps.ts';
import { VENDOR_PATH } from './write-vendor.ts';
import { YEARBOOK_SHEETS, yearbookPath } from './write-yearbook.ts';

export function rawReadme(years: number[]): string {
  const first = Math.min(...years);
  const last = Math.max(...years);
  return `# raw/ — input files of the pipeline

Everything here except this file, \`truth.json\` and \`TRUTH.md\` is read by the ingest stage
(\`pipelines/ingest.ts\`) as declared in the source registry \`sources.json\` (field reference:
\`schemas/sources.ts\`). The bundled files are a **synthetic sample** written by \`npm run sample\`
(deterministic: same seed, byte-identical files); no value is a real statistic. \`TRUTH.md\` and
\`truth.json\` document the data-generating process.

| files | layout | content |
|---|---|---|
| \`${yearbookPath(first + 1)}\` … \`${yearbookPath(last + 1)}\` | yearbook | China City Statistical Yearbook tables, one workbook per edition (edition Y = data year Y−1), sheets ${YEARBOOK_SHEETS.map((s) => `\`${s.name}\``).join(', ')} |
${EPS_FILES.map((f) => `| \`${f.path}\` | eps | ${f.sheets.map((s) => `sheet \`${s.sheet}\` (${s.indicator})`).join(', ')}; ${f.level === 'city' ? 'cities' : 'provinces'} × years |`).join('\n')}
| \`${VENDOR_PATH}\` | long | AI enterprises per city-year (vendor panel, UTF-8 CSV with BOM) |

The sample imitates what real exports look like: title rows, a two-level header (label merged over
全市 / 市辖区), a units row whose units change by edition (the 2015 edition prints finance in 亿元, the
2019 edition population in 人), labels that change by edition (年末总人口 → 年末户籍人口,
地方财政一般预算内收入 → 地方一般公共预算收入), province rows (河　北 / 河北省, some with totals) between
their cities, a 全国合计 row, names padded with full-width spaces, missing values as empty, —, … or -,
some numbers stored as text (1,234.5 or full-width digits), footnotes under the tables, EPS header blocks
and source lines, stale region codes in the vendor panel (毕节 522400, 铜仁 522200), a watermark line.

## Using real exports

1. Put the files anywhere under a folder (e.g. \`myraw/\`) and copy \`sources.json\` there.
2. Edit \`sources.json\`: for each source the file pattern (\`{edition}\` / \`{year}\` / \`*\`), the sheet
   name(s), the labels as printed (add the wording of older editions to \`labels\`), the unit mode
   (\`"row"\`, \`"header"\` or a literal unit) and the accepted \`years\` (widen \`to\` when a new edition arrives).
3. \`npm run pipeline -- --raw myraw\`. A file that does not match its declared layout stops the run
   with one line naming the file, sheet and cell and what was expected.

Regenerate the sample after changing the generator: \`npm run sample\` (options \`--out DIR\`,
\`--seed N\`, \`--next-edition\` = also the data year after the base panel: one more yearbook edition,
one more EPS column, more vendor rows).
`;
}
