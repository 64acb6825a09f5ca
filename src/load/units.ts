// Parsing of the unit-bearing option values of `npm run e2e`: durations (10s, 500ms, 2m),
// bandwidths (100mbit, 1gbit; bits per second, 1k = 1000) and round-trip times (2ms).
// Each parser returns a number or throws UnitError naming the value and what is accepted.

export class UnitError extends Error {
  override name = 'UnitError';
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** `10s`, `500ms`, `1.5s`, `2m` -> milliseconds; a bare number is seconds. */
export function parseDurationMs(text: string, what = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(text);
  if (!m) throw new UnitError(`${what}: expected a duration such as 10s, 500ms or 2m, got ${JSON.stringify(text)}`);
  return Number(m[1]) * DURATION_UNITS[(m[2] ?? 's').toLowerCase()]!;
}

const BANDWIDTH_UNITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9 };

/** `100mbit`, `1gbit`, `1.5gbit`, `500kbit` -> bits per second. */
export function parseBandwidth(text: string, what = 'bandwidth'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(bit|kbit|mbit|gbit)\s*$/i.exec(text);
  const bps = m ? Number(m[1]) * BANDWIDTH_UNITS[m[2]!.toLowerCase()]! : NaN;
  if (!m || !(bps >= 1000) || bps > 1e12) {
    throw new UnitError(
      `${what}: expected a bandwidth from 1kbit to 1000gbit with a unit kbit, mbit or gbit (e.g. 100mbit, 1gbit), got ${JSON.stringify(text)}`,
    );
  }
  return bps;
}

/** Canonical label of a bandwidth: 100mbit, 1gbit, 2.5gbit, 512kbit. */
export function formatBandwidth(bps: number): string {
  for (const [unit, f] of [
    ['gbit', 1e9],
    ['mbit', 1e6],
    ['kbit', 1e3],
  ] as const) {
    if (bps >= f) return `${Number((bps / f).toPrecision(6))}${unit}`;
  }
  return `${bps}bit`;
}

/** `2ms`, `0.5ms`, `0` -> milliseconds (0 to 10 s). */
export function parseRttMs(text: string, what = '--rtt'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/i.exec(text);
  const ms = m ? Number(m[1]) * (m[2]?.toLowerCase() === 's' ? 1000 : 1) : NaN;
  if (!m || !(ms >= 0) || ms > 10_000 || (ms > 0 && m[2] === undefined)) {
    throw new UnitError(
      `${what}: expected a round-trip time from 0 to 10s with a unit, such as 2ms or 0.5ms, got ${JSON.stringify(text)}`,
    );
  }
  return ms;
}
