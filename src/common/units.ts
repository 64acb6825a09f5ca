// Number formatting shared by the text renderers: bytes in SI units, milliseconds and ratios
// to three significant digits, integers with thousands separators. Pure and locale-free.

/** 950 B, 12.3 kB, 1.21 MB, 11.1 MB (1 kB = 1000 bytes). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n < 1000) return `${Math.round(n)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  do {
    v /= 1000;
    u++;
  } while (v >= 999.5 && u < units.length - 1);
  return `${sig3(v)} ${units[u]}`;
}

/** Three significant digits, no exponent: 0.00123, 0.0123, 1.23, 12.3, 123, 1,234. */
export function sig3(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const r = Number(v.toPrecision(3));
  if (Math.abs(r) >= 999.5) return groupThousands(r);
  const decimals = Math.min(9, Math.max(0, 2 - Math.floor(Math.log10(Math.abs(r)))));
  return r.toFixed(decimals);
}

/** 1234567 -> 1,234,567. */
export function groupThousands(n: number): string {
  const s = Math.round(Math.abs(n)).toString();
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/** Time in ms, three significant digits. */
export function formatMs(ms: number | undefined): string {
  return ms === undefined ? '—' : sig3(ms);
}

/** 1.00x, 9.17x, 12.3x, 123x. */
export function formatRatio(r: number | undefined): string {
  return r === undefined || !Number.isFinite(r) ? '—' : `${sig3(r)}x`;
}

/** 4%, 12%; `—` when there is no spread to show. */
export function formatPct(p: number | undefined): string {
  return p === undefined || !Number.isFinite(p) ? '—' : `${p < 9.5 ? p.toFixed(1) : Math.round(p)}%`;
}

/** +5.0%, -12.3%: a relative change (0.05 -> `+5.0%`), sign always shown. */
export function formatChange(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

/** Canonical label of a bandwidth in bits per second: 100mbit, 1gbit, 2.5gbit, 512kbit. */
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
