// report.html: one self-contained page (inline CSS and SVG, no network) with every table, each of our
// cells shown above the published number, the truth-vs-estimate table for the bundled sample, and figures.
import type { Grid } from './grid.ts';

export const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function rowKeys(g: Grid): string[] {
  let last = '';
  return g.rows.map((r) => {
    if (r.kind === 'coef' || r.kind === 'info') last = r.label;
    return `${last}|${r.kind}`;
  });
}

/** One table of the report: our grid, the published number under each cell, the legend and notes below. */
export function gridToHtml(ours: Grid, paper?: Grid, legend: string[] = []): string {
  const paperByKey = new Map<string, string[]>();
  if (paper) rowKeys(paper).forEach((k, i) => paperByKey.set(k, paper.rows[i].cells));
  const keys = rowKeys(ours);
  const body = ours.rows.map((r, i) => {
    const pub = paperByKey.get(keys[i]);
    const cells = r.cells.map((c, j) => {
      const p = pub?.[j];
      return `<td>${esc(c)}${p !== undefined && p !== '' ? `<div class="pub">${esc(p)}</div>` : ''}</td>`;
    });
    return `<tr class="${r.kind ?? ''}"><th>${esc(r.label)}</th>${cells.join('')}</tr>`;
  });
  const notes = ours.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('');
  const legendHtml = legend.length ? `<div class="table-legend">${legend.map((l) => `<p>${esc(l)}</p>`).join('')}</div>` : '';
  return `<section><h2>${esc(ours.title)}</h2><table><thead><tr>${ours.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${body.join('')}</tbody></table>${legendHtml}${notes}</section>`;
}

export function keyValueTable(title: string, header: string[], rows: string[][]): string {
  return `<section><h2>${esc(title)}</h2><table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th>${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`).join('') +
    '</tbody></table></section>';
}

/** The page. `banner`: a warning shown above everything (the synthetic, calibrated sample). */
export function page(title: string, intro: string[], sections: string[], banner?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body { font-family: system-ui, 'Noto Sans CJK SC', sans-serif; margin: 2rem auto; max-width: 1200px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0; }
th, td { padding: 0.2rem 0.6rem; text-align: right; vertical-align: top; }
thead th { border-bottom: 2px solid #444; text-align: center; }
tbody th { text-align: left; font-weight: normal; }
tr.t td { color: #555; } tr.info td, tr.info th { border-top: 1px solid #eee; }
.pub { color: #b35900; font-size: 0.78rem; }
.note, .intro { color: #444; font-size: 0.85rem; max-width: 60rem; }
.legend { font-size: 0.85rem; } .legend .pub { display: inline; }
.table-legend p { color: #444; font-size: 0.8rem; margin: 0.2rem 0; max-width: 60rem; }
.banner { border: 2px solid #b35900; background: #fff4e8; padding: 0.6rem 1rem; font-size: 0.9rem; max-width: 60rem; }
td.text { text-align: left; max-width: 40rem; } table.facts th { white-space: nowrap; } h3 { font-size: 1rem; margin-top: 1.4rem; }
code { font-size: 0.8rem; }
figure { margin: 1rem 0; } .figs { display: flex; flex-wrap: wrap; gap: 1rem; }
</style></head><body>
<h1>${esc(title)}</h1>
${banner ? `<p class="banner"><strong>${esc(banner)}</strong></p>` : ''}
${intro.map((p) => `<p class="intro">${esc(p)}</p>`).join('\n')}
<p class="legend">Each cell: this build's estimate (black), <span class="pub">the published number (orange)</span> below it.</p>
${sections.join('\n')}
</body></html>
`;
}
