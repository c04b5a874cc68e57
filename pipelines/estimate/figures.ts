// Figures of the report as inline SVG, drawn with Observable Plot on a server-side DOM (linkedom).
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

function render(options: Plot.PlotOptions): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const node = Plot.plot({ ...options, document: document as unknown as Document }) as unknown as { outerHTML: string };
  // xmlns makes the SVG valid on its own, and linkedom leaves it out
  return node.outerHTML.replace('<svg ', '<svg xmlns="http://www.w3.org/2000/svg" ');
}

/** LR(γ) over the grid for one threshold, with the critical value of the 95% confidence set. */
export function lrCurve(title: string, grid: number[], lr: number[], critical: number, estimate: number): string {
  const points = grid.map((g, i) => ({ gamma: g, lr: lr[i] })).filter((p) => Number.isFinite(p.lr));
  return render({
    title, width: 520, height: 260, marginLeft: 50,
    x: { label: 'threshold γ' }, y: { label: 'LR(γ)', grid: true },
    marks: [
      Plot.line(points, { x: 'gamma', y: 'lr', stroke: 'steelblue' }),
      Plot.ruleY([critical], { stroke: 'firebrick', strokeDasharray: '4,3' }),
      Plot.ruleX([estimate], { stroke: '#888' }),
      Plot.text([{ x: estimate, y: critical }], { x: 'x', y: 'y', text: () => `95% c = ${critical.toFixed(2)}`, dy: -6, dx: 4, textAnchor: 'start', fill: 'firebrick' }),
    ],
  });
}

/** Coefficients with 95% intervals, one row per model (Table 2–3 AI coefficients, Table 7 groups). */
export function coefficientPlot(title: string, rows: Array<{ label: string; estimate: number; low: number; high: number; published?: number }>): string {
  const published = rows.filter((r) => r.published !== undefined);
  return render({
    title, width: 700, height: 40 + 28 * rows.length, marginLeft: 290,
    x: { label: 'coefficient of AI (95% interval)', grid: true }, y: { label: null, domain: rows.map((r) => r.label) },
    marks: [
      Plot.ruleX([0], { stroke: '#aaa' }),
      Plot.link(rows, { x1: 'low', x2: 'high', y1: 'label', y2: 'label', stroke: 'steelblue', strokeWidth: 2 }),
      Plot.dot(rows, { x: 'estimate', y: 'label', fill: 'steelblue', r: 4 }),
      Plot.dot(published, { x: 'published', y: 'label', stroke: 'darkorange', symbol: 'diamond', r: 5 }),
    ],
    caption: published.length ? 'blue: this build (95% interval); orange diamond: published estimate' : undefined,
  });
}
