// Unit conversions written out in the tests, independently of the project's unit table (schemas/indicators.ts):
// 万 = 10^4, 亿 = 10^8. Used where a test checks that a printed value was converted, so a broken factor in the
// project cannot also break the expectation.
const PREFIX: Record<string, number> = { '': 1, 万: 1e4, 亿: 1e8 };

/** The factor that takes a value printed in `printed` to `canonical` (e.g. 亿元 → 万元: 10,000). */
export function independentFactor(canonical: string, printed: string): number {
  if (canonical === printed) return 1;
  const split = (u: string): [number, string] => (u[0] in PREFIX && u.length > 1 ? [PREFIX[u[0]], u.slice(1)] : [1, u]);
  const [pc, base] = split(canonical);
  const [pp, basePrinted] = split(printed);
  if (base !== basePrinted) throw new Error(`test: no independent conversion ${printed} → ${canonical}`);
  return pp / pc;
}
