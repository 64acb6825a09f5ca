// The regression check: validates that baseline and current can be compared,
// compares bytes exactly and timings as in-run ratios, and decides an exit code.
import { SCHEMA_VERSION, type Results } from '../results/types.js';
import { compareInstructions } from './compare-instructions.js';
import { compareSizes } from './compare-sizes.js';
import { compareTimings } from './compare-timings.js';
import { CheckError, DEFAULT_CHECK_OPTIONS, type CheckOptions, type CheckReport } from './types.js';

/** Throws CheckError(3) when the baseline cannot be compared with the current results. */
export function assertComparable(baseline: unknown, current: Results): asserts baseline is Results {
  const b = baseline as Partial<Results> | null;
  if (!b || typeof b !== 'object') throw new CheckError('baseline is not a results object', 3);
  if (b.schemaVersion !== SCHEMA_VERSION) {
    throw new CheckError(
      `baseline has results schema version ${String(b.schemaVersion)}, this payload-bench writes version ${SCHEMA_VERSION}: regenerate it with --update-baseline`,
      3,
    );
  }
  if (!Array.isArray(b.sizes) || !Array.isArray(b.micro) || !Array.isArray(b.scenarios))
    throw new CheckError('baseline lacks sizes/micro/scenarios', 3);
  const shared = current.scenarios.filter((s) => b.scenarios!.some((x) => x.name === s.name));
  if (shared.length === 0) {
    throw new CheckError(
      `baseline covers scenarios ${b.scenarios.map((s) => s.name).join(', ') || '(none)'}, the current run ${current.scenarios.map((s) => s.name).join(', ')}: nothing to compare`,
      3,
    );
  }
}

export function check(baseline: Results, current: Results, options: Partial<CheckOptions> = {}): CheckReport {
  const opts = { ...DEFAULT_CHECK_OPTIONS, ...options };
  const warnings: string[] = [];
  if (current.state !== 'complete') {
    return {
      exitCode: 4,
      headline: `the current run did not complete (state: ${current.state})`,
      rows: [],
      warnings,
      suspects: [],
    };
  }
  const rows = compareSizes(baseline, current);
  if (opts.timings) {
    const t = compareTimings(baseline, current, opts);
    rows.push(...t.rows);
    warnings.push(...t.warnings);
  }
  if (current.instructions) {
    const n = compareInstructions(baseline, current, opts);
    rows.push(...n.rows);
    warnings.push(...n.warnings);
  }
  const changedBytes = rows.filter((r) => isBytes(r) && r.verdict === 'changed');
  // Instruction counts are deterministic: a regression there needs no re-measure.
  const moreInstructions = rows.filter((r) => r.kind === 'instructions' && r.verdict === 'regression');
  const suspects = rows.filter((r) => r.kind === 'time-ratio' && r.verdict === 'regression');
  const noisy = rows.filter((r) => r.verdict === 'noisy');
  const missing = rows.filter((r) => r.verdict === 'missing');
  if (missing.length)
    warnings.push(
      `${missing.length} figure(s) not in the baseline (new formats, codecs or scenarios): update the baseline to cover them`,
    );
  const notCompared = rows.filter((r) => r.kind === 'compressed-bytes' && r.verdict === 'not-compared');
  if (notCompared.length) {
    const libs = [...new Set(notCompared.map((r) => r.note ?? ''))].join('; ');
    warnings.push(
      `${notCompared.length} compressed size(s) not compared: codec library versions differ from the baseline's (${libs})`,
    );
  }
  let exitCode: CheckReport['exitCode'] = 0;
  const parts: string[] = [];
  if (changedBytes.length) {
    exitCode = 1;
    parts.push(`${changedBytes.length} payload size(s) changed`);
  }
  if (moreInstructions.length) {
    exitCode = 1;
    parts.push(
      `${moreInstructions.length} instruction count(s) up more than ${Number((opts.instructionThreshold * 100).toFixed(2))}% (${moreInstructions.map((r) => `${r.scenario} ${r.format} ${r.metric}${r.codec === 'identity' ? '' : ` ${r.codec}`}`).join(', ')})`,
    );
  }
  if (suspects.length) {
    exitCode = 1;
    parts.push(`${suspects.length} timing regression(s) above ${(opts.threshold * 100).toFixed(0)}%`);
  }
  if (noisy.length && opts.strict && exitCode === 0) {
    exitCode = 1;
    parts.push(`${noisy.length} figure(s) too noisy to judge (--strict)`);
  }
  const compared = rows.filter((r) => r.verdict !== 'missing' && r.verdict !== 'not-compared').length;
  const headline =
    exitCode === 0
      ? `pass: ${compared} figures compared, no regression${noisy.length ? ` (${noisy.length} too noisy to judge)` : ''}`
      : `FAIL: ${parts.join('; ')}`;
  return { exitCode, headline, rows, warnings, suspects };
}

/**
 * Confirm suspected timing regressions with a second, independent measurement: a
 * figure fails only if it regresses in both. Size changes need no confirmation.
 */
export function confirm(first: CheckReport, second: CheckReport): CheckReport {
  // The re-measure speaks for timings only: its size and instruction rows, and their warnings, are not merged.
  const key = (r: { scenario: string; format: string; codec: string; metric: string }) =>
    `${r.scenario}\u0000${r.format}\u0000${r.codec}\u0000${r.metric}`;
  const again = new Set(second.suspects.map(key));
  const rows = first.rows.map((r) => {
    if (r.verdict !== 'regression') return r;
    if (again.has(key(r))) {
      const s = second.rows.find((x) => key(x) === key(r))!;
      return {
        ...r,
        note: `${r.note ?? ''}; confirmed by a re-measure (${s.change === null ? '?' : `${(s.change * 100).toFixed(1)}%`})`,
      };
    }
    const s = second.rows.find((x) => key(x) === key(r));
    return {
      ...r,
      verdict: 'pass' as const,
      note: `suspected (${r.change === null ? '?' : `${(r.change * 100).toFixed(1)}%`}) but not confirmed by a re-measure (${s?.change == null ? 'absent' : `${(s.change * 100).toFixed(1)}%`})`,
    };
  });
  const suspects = rows.filter((r) => r.verdict === 'regression');
  const sizeFail = rows.some((r) => isBytes(r) && r.verdict === 'changed');
  const instrFail = rows.some((r) => r.kind === 'instructions' && r.verdict === 'regression');
  const exitCode = sizeFail || instrFail || suspects.length ? 1 : first.exitCode === 1 ? 0 : first.exitCode;
  const headline =
    exitCode === 1
      ? `FAIL: ${[sizeFail ? 'payload size(s) changed' : '', instrFail ? 'instruction count(s) up' : '', suspects.length ? `${suspects.length} timing regression(s) confirmed by a re-measure` : ''].filter(Boolean).join('; ')}`
      : `pass: ${first.suspects.length} suspected regression(s) not confirmed by a re-measure`;
  const timingWarnings = second.warnings.filter((w) => /timing/.test(w) && !first.warnings.includes(w));
  return { exitCode, headline, rows, warnings: [...first.warnings, ...timingWarnings], suspects };
}

function isBytes(r: { kind: string }): boolean {
  return r.kind === 'bytes' || r.kind === 'compressed-bytes';
}
