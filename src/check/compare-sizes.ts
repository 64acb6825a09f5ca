// Deterministic figures compared exactly: raw bytes always (per scenario x format);
// compressed bytes only when the codec library versions match, otherwise reported.
import type { Results } from '../results/types.js';
import type { CheckRow } from './types.js';

/** Which library version decides a codec's output (by codec id). */
function codecVersion(r: Results, codecLabel: string): string | undefined {
  const id = codecLabel.split(':')[0]!;
  return r.env.codecVersions[id];
}

export function compareSizes(baseline: Results, current: Results): CheckRow[] {
  const rows: CheckRow[] = [];
  const fp = (r: Results, s: string) => r.scenarios.find((x) => x.name === s)?.fingerprint;
  const key = (s: { scenario: string; format: string; codec: string }) =>
    `${s.scenario}\u0000${s.format}\u0000${s.codec}`;
  const base = new Map(baseline.sizes.map((s) => [key(s), s]));
  const seenRaw = new Set<string>();
  for (const cur of current.sizes) {
    const b = base.get(key(cur));
    const scenarioChanged =
      fp(baseline, cur.scenario) !== undefined && fp(baseline, cur.scenario) !== fp(current, cur.scenario);
    const rawKey = `${cur.scenario}\u0000${cur.format}`;
    if (!seenRaw.has(rawKey)) {
      seenRaw.add(rawKey);
      const braw = baseline.sizes.find((s) => s.scenario === cur.scenario && s.format === cur.format);
      rows.push(
        exactRow(
          'bytes',
          cur.scenario,
          cur.format,
          'identity',
          'raw',
          braw?.rawBytes ?? null,
          cur.rawBytes,
          scenarioChanged,
        ),
      );
    }
    if (cur.codec === 'identity') continue;
    const bv = codecVersion(baseline, cur.codec);
    const cv = codecVersion(current, cur.codec);
    if (b && bv !== cv) {
      rows.push({
        kind: 'compressed-bytes',
        scenario: cur.scenario,
        format: cur.format,
        codec: cur.codec,
        metric: 'compressed',
        baseline: b.compressedBytes,
        current: cur.compressedBytes,
        change: rel(b.compressedBytes, cur.compressedBytes),
        verdict: 'not-compared',
        note: `codec library differs (${bv ?? '?'} vs ${cv ?? '?'})`,
      });
      continue;
    }
    rows.push(
      exactRow(
        'compressed-bytes',
        cur.scenario,
        cur.format,
        cur.codec,
        'compressed',
        b?.compressedBytes ?? null,
        cur.compressedBytes,
        scenarioChanged,
      ),
    );
  }
  return rows;
}

function exactRow(
  kind: CheckRow['kind'],
  scenario: string,
  format: string,
  codec: string,
  metric: string,
  baseline: number | null,
  current: number,
  scenarioChanged: boolean,
): CheckRow {
  if (baseline === null) {
    return {
      kind,
      scenario,
      format,
      codec,
      metric,
      baseline,
      current,
      change: null,
      verdict: 'missing',
      note: 'not in the baseline',
    };
  }
  const change = rel(baseline, current);
  const row: CheckRow = {
    kind,
    scenario,
    format,
    codec,
    metric,
    baseline,
    current,
    change,
    verdict: baseline === current ? 'pass' : 'changed',
  };
  if (row.verdict === 'changed')
    row.note = scenarioChanged
      ? 'the scenario changed since the baseline: update the baseline'
      : 'payload bytes changed: update the baseline in the same change if intended';
  return row;
}

export function rel(baseline: number, current: number): number {
  return baseline === 0 ? (current === 0 ? 0 : Infinity) : (current - baseline) / baseline;
}
