// Degrees of freedom absorbed by the fixed effects, counted as reghdfe does: the first fixed effect has all
// its levels; the second loses one level per connected component of the bipartite graph linking its levels
// with the first's (exact redundancy, "mobility groups"); further ones lose one level each (conservative
// bound, as reghdfe). The count includes the constant. With a clustered vcov, fixed effects nested in the
// cluster variable are left out of the count (reghdfe/fixest "nested" rule); the constant stays.
import type { Grouping } from './frame.ts';

export interface FeDof {
  name: string;
  levels: number;
  /** levels not counted: redundant with earlier effects or, when clustering, nested in the cluster */
  redundant: number;
  nestedInCluster: boolean;
}

export interface AbsorbedDof {
  /** rank of [1, fixed-effect dummies] counted as above: the "K" contributed by the absorbed part */
  total: number;
  perFe: FeDof[];
}

/** true when every level of `fe` falls within a single cluster */
export function isNested(fe: Grouping, cluster: Grouping): boolean {
  const owner = new Int32Array(fe.levels).fill(-1);
  for (let i = 0; i < fe.codes.length; i++) {
    const g = fe.codes[i];
    const c = cluster.codes[i];
    if (owner[g] === -1) owner[g] = c;
    else if (owner[g] !== c) return false;
  }
  return true;
}

/** Number of connected components of the bipartite graph between the levels of a and b. */
export function connectedComponents(a: Grouping, b: Grouping): number {
  const parent = new Int32Array(a.levels + b.levels);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  let components = parent.length;
  for (let i = 0; i < a.codes.length; i++) {
    const ra = find(a.codes[i]);
    const rb = find(a.levels + b.codes[i]);
    if (ra !== rb) {
      parent[ra] = rb;
      components--;
    }
  }
  return components;
}

export function absorbedDof(fixedEffects: Grouping[], cluster: Grouping | null): AbsorbedDof {
  const perFe: FeDof[] = fixedEffects.map((fe) => ({
    name: fe.name,
    levels: fe.levels,
    redundant: 0,
    nestedInCluster: cluster ? isNested(fe, cluster) : false,
  }));
  const counted = fixedEffects.map((fe, i) => ({ fe, info: perFe[i] })).filter((x) => !x.info.nestedInCluster);
  for (const x of perFe) if (x.nestedInCluster) x.redundant = x.levels;
  if (counted.length === 0) return { total: 1, perFe }; // only the constant
  let total = counted[0].fe.levels;
  if (counted.length >= 2) {
    const c = connectedComponents(counted[0].fe, counted[1].fe);
    counted[1].info.redundant = c;
    total += counted[1].fe.levels - c;
  }
  for (let k = 2; k < counted.length; k++) {
    counted[k].info.redundant = 1;
    total += counted[k].fe.levels - 1;
  }
  return { total, perFe };
}
