// Number formatting for tables and findings: fixed locale (en-US) and significant digits,
// so the same results render to the same text on every machine.

const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Three significant digits, no exponent, trailing zeros kept: 0.00123, 2.09, 1.10, 116, 1,240. */
export function sig3(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  if (Math.abs(x) >= 999.5) return GROUPED.format(Math.round(x));
  return x.toPrecision(3);
}

/** Like sig3 but without trailing zeros, for counts and labels: 1, 25, 2.5, 1,000. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 999.5) return GROUPED.format(Math.round(x));
  return String(Number(x.toPrecision(3)));
}

/** `1.69 MB`, `812 kB`, `950 B`: decimal units. */
export function humanBytes(bytes: number): string {
  if (bytes >= 1e6) return `${sig3(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${sig3(bytes / 1e3)} kB`;
  return `${Math.round(bytes)} B`;
}

/** `2.09 ms`, `1,240 ms`. */
export function ms(x: number): string {
  return `${sig3(x)} ms`;
}

/** A ratio >= 1 as `6.4x`, `56x`, `240x` (two significant digits, whole numbers from 10). */
export function times(ratio: number): string {
  if (!Number.isFinite(ratio)) return String(ratio);
  if (ratio >= 10) return `${GROUPED.format(Number(ratio.toPrecision(2)))}x`;
  return `${Number(ratio.toPrecision(2))}x`;
}

/** `100 Mbit/s`, `1 Gbit/s`. */
export function mbits(mbps: number): string {
  if (mbps >= 1000) return `${num(mbps / 1000)} Gbit/s`;
  return `${num(mbps)} Mbit/s`;
}

/** Percent with at most one decimal: 54 %, 7.5 %. */
export function pct(x: number): string {
  const v = Math.abs(x) >= 10 ? Math.round(x) : Number(x.toFixed(1));
  return `${v} %`;
}
