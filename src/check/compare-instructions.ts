// Instruction counts (valgrind callgrind, src/bench/instructions/) compared with a plain
// threshold: a count is deterministic for the same code, input, Node and valgrind (measured:
// identical over 3 fresh processes), so there is no noise model and no re-measure. Counts from
// another V8 are not compared (different bytecode and runtime), and the reason is reported.
import type { InstructionRecord, Results } from '../results/types.js';
import { rel } from './compare-sizes.js';
import type { CheckOptions, CheckRow } from './types.js';

const key = (r: InstructionRecord) => `${r.scenario}\u0000${r.format}\u0000${r.codec}\u0000${r.op}`;

export function compareInstructions(
  baseline: Results,
  current: Results,
  opts: Pick<CheckOptions, 'instructionThreshold'>,
): { rows: CheckRow[]; warnings: string[] } {
  const rows: CheckRow[] = [];
  const warnings: string[] = [];
  const base = new Map((baseline.instructions ?? []).map((r) => [key(r), r]));
  const sameV8 = baseline.env.v8 === current.env.v8;
  if (!sameV8)
    warnings.push(
      `instruction counts not compared: the baseline was counted on V8 ${baseline.env.v8} (Node ${baseline.env.node}), this run on V8 ${current.env.v8} (Node ${current.env.node}); update the instruction baseline on this Node`,
    );
  for (const cur of current.instructions ?? []) {
    const b = base.get(key(cur));
    const row: CheckRow = {
      kind: 'instructions',
      scenario: cur.scenario,
      format: cur.format,
      codec: cur.codec,
      metric: `${cur.op} instructions`,
      baseline: b?.instructions ?? null,
      current: cur.instructions,
      change: null,
      verdict: 'missing',
    };
    if (!b) {
      row.note = 'not in the baseline';
    } else if (!sameV8) {
      row.change = rel(b.instructions, cur.instructions);
      row.verdict = 'not-compared';
      row.note = `counted on V8 ${baseline.env.v8}, now ${current.env.v8}`;
    } else {
      row.change = rel(b.instructions, cur.instructions);
      row.verdict =
        row.change > opts.instructionThreshold
          ? 'regression'
          : row.change < -opts.instructionThreshold
            ? 'improvement'
            : 'pass';
      if (row.verdict === 'regression') row.note = `more than ${pct(opts.instructionThreshold)} more instructions`;
    }
    rows.push(row);
  }
  return { rows, warnings };
}

function pct(x: number): string {
  return `${Number((x * 100).toFixed(2))}%`;
}
