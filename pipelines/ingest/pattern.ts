// Registry file patterns ("yearbook/中国城市统计年鉴{edition}.xlsx", "eps/*.xlsx") matched in linear time.
// The registry is input too: a regular expression built from a pattern with many `*` backtracks for minutes on
// a long file name. Here the pattern runs as a small automaton over the name, all alternatives at once (a Pike
// VM), so a match costs (name length) × (pattern length) steps whatever the pattern. `*` is any run of
// characters without '/', as long as possible (the first, longest choice wins, as in a regular expression);
// {edition} and {year} are four ASCII digits, captured.

export interface PatternGroups {
  edition?: string;
  year?: string;
}

type Instruction =
  | { op: 'char'; ch: string }
  | { op: 'digit' }
  | { op: 'star' }
  | { op: 'save'; slot: number }
  | { op: 'match' };

const GROUPS = ['edition', 'year'] as const;

interface Thread {
  pc: number;
  saved: number[];
}

/** A matcher for one registry pattern: the captured groups of a whole-name match, or null. */
export function compilePattern(pattern: string): (name: string) => PatternGroups | null {
  const program: Instruction[] = [];
  for (const part of pattern.normalize('NFC').split(/(\{edition\}|\{year\}|\*)/)) {
    if (part === '*') {
      if (program.at(-1)?.op !== 'star') program.push({ op: 'star' }); // ** is *
    } else if (part === '{edition}' || part === '{year}') {
      const group = GROUPS.indexOf(part.slice(1, -1) as (typeof GROUPS)[number]);
      program.push({ op: 'save', slot: 2 * group }, { op: 'digit' }, { op: 'digit' }, { op: 'digit' }, { op: 'digit' }, { op: 'save', slot: 2 * group + 1 });
    } else for (const ch of part) program.push({ op: 'char', ch });
  }
  program.push({ op: 'match' });

  return (name: string) => {
    const text = name.normalize('NFC');
    // threads in priority order; a thread that reaches a state first (higher priority) keeps it for this step
    const add = (list: Thread[], seen: Uint8Array, pc: number, saved: number[], at: number): void => {
      // each state leads on to at most one other without reading: a loop, not recursion (no stack limit)
      for (;;) {
        if (seen[pc]) return;
        seen[pc] = 1;
        const ins = program[pc];
        if (ins.op === 'save') {
          saved = saved.slice();
          saved[ins.slot] = at;
        } else if (ins.op === 'star') {
          list.push({ pc, saved }); // take one more character (longest first), or stop here
        } else {
          list.push({ pc, saved });
          return;
        }
        pc += 1;
      }
    };
    let current: Thread[] = [];
    add(current, new Uint8Array(program.length), 0, [], 0);
    for (let at = 0; at <= text.length && current.length > 0; at++) {
      const ch = text[at];
      const next: Thread[] = [];
      const seen = new Uint8Array(program.length);
      for (const t of current) {
        const ins = program[t.pc];
        if (ins.op === 'match') {
          if (at === text.length) return groupsOf(text, t.saved);
          continue;
        }
        if (at === text.length) continue;
        const takes = ins.op === 'char' ? ch === ins.ch : ins.op === 'digit' ? ch >= '0' && ch <= '9' : ins.op === 'star' && ch !== '/';
        if (takes) add(next, seen, ins.op === 'star' ? t.pc : t.pc + 1, t.saved, at + 1);
      }
      current = next;
    }
    return null;
  };
}

function groupsOf(text: string, saved: number[]): PatternGroups {
  const out: PatternGroups = {};
  GROUPS.forEach((g, i) => {
    if (saved[2 * i] !== undefined && saved[2 * i + 1] !== undefined) out[g] = text.slice(saved[2 * i], saved[2 * i + 1]);
  });
  return out;
}
