import { describe, expect, it } from 'vitest';
import { absorbedDof, connectedComponents, isNested } from '../../econometrics/dof.ts';
import type { Grouping } from '../../econometrics/frame.ts';

const g = (name: string, codes: number[]): Grouping => ({ name, codes: Int32Array.from(codes), levels: Math.max(...codes) + 1 });

describe('absorbed degrees of freedom', () => {
  // workers 0..3, firms 0..2; worker 3 only at firm 2, firm 2 only with worker 3 → two mobility groups
  const worker = g('worker', [0, 0, 1, 1, 2, 3, 3]);
  const firm = g('firm', [0, 1, 0, 1, 1, 2, 2]);

  it('counts connected components of the bipartite graph (mobility groups)', () => {
    expect(connectedComponents(worker, firm)).toBe(2);
  });

  it('first effect all levels, second minus one per component, further ones minus one', () => {
    expect(absorbedDof([worker, firm], null).total).toBe(4 + 3 - 2);
    const third = g('t', [0, 1, 0, 1, 0, 1, 0]);
    expect(absorbedDof([worker, firm, third], null).total).toBe(4 + 3 - 2 + 1);
  });

  it('leaves out effects nested in the cluster variable but keeps the constant', () => {
    const cluster = g('c', [0, 0, 0, 0, 1, 2, 2]); // workers nested in c, firms not
    expect(isNested(worker, cluster)).toBe(true);
    expect(isNested(firm, cluster)).toBe(false);
    const d = absorbedDof([worker, firm], cluster);
    expect(d.total).toBe(3); // firm levels, the constant included in the first counted effect
    expect(d.perFe[0]).toMatchObject({ nestedInCluster: true, redundant: 4 });
    expect(absorbedDof([worker], cluster).total).toBe(1);
  });
});
