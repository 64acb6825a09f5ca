// Pieces every chart builder uses: the fixed PNG size, titles, value axes that switch to a
// log scale when the data span a decade or more, and Intl unit formats for tick labels
// (JSON options, not callbacks, so the same config renders in Node and in the browser).
import type { Results } from '../results/index.js';
import { num } from './number-format.js';
import { scenarioInfo } from './select.js';

export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 560;

type NumberFormat = Intl.NumberFormatOptions;

const unitFormat = (unit: string): NumberFormat => ({
  style: 'unit',
  unit,
  unitDisplay: 'short',
  maximumSignificantDigits: 3,
});

/** True when the positive values span at least a factor of 10. */
export function spansDecade(values: readonly (number | null | undefined)[]): boolean {
  const pos = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0);
  if (pos.length < 2) return false;
  return Math.max(...pos) / Math.min(...pos) >= 10;
}

/** `etsy-search (1,000 candidates x 300 features)`. */
export function scenarioLabel(r: Results, scenario: string): string {
  const info = scenarioInfo(r, scenario);
  if (!info) return scenario;
  return `${scenario} (${num(info.candidates)} candidates × ${info.features} features)`;
}

export function titlePlugins(title: string, subtitle: string | string[]) {
  return {
    title: { display: true, text: title, font: { size: 19, weight: 'bold' as const }, padding: { top: 4, bottom: 4 } },
    subtitle: { display: true, text: subtitle, color: '#555555', font: { size: 13 }, padding: { bottom: 10 } },
  };
}

export type AxisUnit = 'MB' | 'kB' | 'B' | 'ms' | 'µs' | 'ns' | 'Mbit/s' | 'count';

const UNIT_FORMATS: Record<AxisUnit, NumberFormat> = {
  MB: unitFormat('megabyte'),
  kB: unitFormat('kilobyte'),
  B: unitFormat('byte'),
  ms: unitFormat('millisecond'),
  µs: unitFormat('microsecond'),
  ns: unitFormat('nanosecond'),
  'Mbit/s': unitFormat('megabit-per-second'),
  count: { maximumSignificantDigits: 3 },
};

/** The display unit for durations given in ms: ms, or µs / ns for small ones; `factor` converts. */
export function timeUnit(msValues: readonly (number | null | undefined)[]): {
  unit: 'ms' | 'µs' | 'ns';
  factor: number;
} {
  const max = Math.max(0, ...msValues.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)));
  if (max > 0 && max < 0.001) return { unit: 'ns', factor: 1e6 };
  if (max > 0 && max < 1) return { unit: 'µs', factor: 1e3 };
  return { unit: 'ms', factor: 1 };
}

/** The display unit for byte counts (decimal): MB, kB or B; `factor` converts from bytes. */
export function byteUnit(byteValues: readonly (number | null | undefined)[]): {
  unit: 'MB' | 'kB' | 'B';
  factor: number;
  note: string;
} {
  const max = Math.max(0, ...byteValues.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)));
  if (max >= 1e6) return { unit: 'MB', factor: 1e-6, note: '1 MB = 10⁶ bytes' };
  if (max >= 1e3) return { unit: 'kB', factor: 1e-3, note: '1 kB = 10³ bytes' };
  return { unit: 'B', factor: 1, note: 'B = bytes' };
}

/** Multiplies a value by a unit factor, keeping null and rounding away float noise. */
export function scaled<T extends number | null>(value: T, factor: number): T {
  return (value === null ? null : Number((value * factor).toPrecision(12))) as T;
}

/** Tick label text for a value in `unit`: `0.5 MB`, `20 ms`, `100 Mbit/s`, `1,000`. */
export function tickText(value: number, unit: AxisUnit): string {
  if (unit === 'Mbit/s' && value >= 1000) return `${num(value / 1000)} Gbit/s`;
  return unit === 'count' ? num(value) : `${num(value)} ${unit}`;
}

/**
 * Nice log-axis bounds and ticks around the data: 1-2-5 steps for up to three decades,
 * 1-3 up to five, powers of ten beyond, so labels never crowd.
 */
export function logTicks(
  values: readonly number[],
  unit: AxisUnit,
): { min: number; max: number; labels: Record<string, string> } {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const decades = Math.log10(hi / lo);
  const mantissas = decades <= 3 ? [1, 2, 5] : decades <= 5 ? [1, 3] : [1];
  const bounds = [1, 2, 5];
  const seq = (ms: number[]): number[] => {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)) + 1; e++) {
      for (const m of ms) out.push(Number((m * 10 ** e).toPrecision(12)));
    }
    return out;
  };
  const nice = seq(bounds);
  const min = [...nice].reverse().find((v) => v <= lo * 1.0000001) ?? lo;
  const max = nice.find((v) => v >= hi * 0.9999999) ?? hi;
  const labels: Record<string, string> = {};
  const inside = seq(mantissas).filter((v) => v >= min * 0.9999999 && v <= max * 1.0000001);
  for (const v of inside) labels[String(v)] = tickText(v, unit);
  // Label both ends too, unless a tick within a factor of two already shows the range.
  for (const end of [min, max]) {
    if (!inside.some((v) => Math.abs(Math.log10(v / end)) < 0.35 && v !== end))
      labels[String(end)] = tickText(end, unit);
  }
  return { min, max, labels };
}

export interface ValueAxisOptions {
  /** Axis title without the scale note, e.g. `MB per request`. */
  title: string;
  unit: AxisUnit;
  /** The values plotted, to decide between log and linear and to bound a log axis. */
  values: readonly (number | null | undefined)[];
  stacked?: boolean;
  /** Force a linear axis (stacked bars cannot be log). */
  linear?: boolean;
  position?: 'left' | 'right' | 'top' | 'bottom';
  /** For x axes: no `beginAtZero`. */
  horizontal?: boolean;
  /** Log axes: widen the bounds by this factor each side so end points are not clipped. */
  pad?: number;
}

/**
 * A value axis: log scale (said in the title) with explicit ticks when the values span a
 * decade, else linear from zero. `tickLabels` goes into the chart spec for log axes.
 */
export function valueAxis(o: ValueAxisOptions): { axis: Record<string, unknown>; tickLabels?: Record<string, string> } {
  const pos = o.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0);
  const log = !o.linear && spansDecade(pos);
  const common = {
    ...(o.position ? { position: o.position } : {}),
    ...(o.stacked ? { stacked: true } : {}),
    title: { display: true, text: log ? `${o.title} (log scale)` : o.title, font: { size: 14, weight: 'bold' } },
    grid: { color: '#e3e3e3' },
  };
  if (!log) {
    return {
      axis: {
        type: 'linear',
        ...(o.horizontal ? {} : { beginAtZero: true }),
        ...common,
        ticks: { format: UNIT_FORMATS[o.unit] },
      },
    };
  }
  const t = logTicks(pos, o.unit);
  const pad = o.pad ?? 1;
  return {
    axis: {
      type: 'logarithmic',
      min: pad > 1 ? Math.min(...pos) / pad : t.min,
      max: pad > 1 ? Math.max(...pos) * pad : t.max,
      ...common,
      ticks: { format: UNIT_FORMATS[o.unit] },
    },
    tickLabels: t.labels,
  };
}

/** The category axis of format ids. */
export function formatAxis(stacked = false) {
  return {
    type: 'category' as const,
    ...(stacked ? { stacked: true } : {}),
    ticks: { autoSkip: false, maxRotation: 30, minRotation: 0, font: { size: 13 } },
    grid: { display: false },
  };
}

/** Options every chart starts from: fixed locale for number formatting, a little padding. */
export const BASE_OPTIONS = { locale: 'en-US', layout: { padding: { left: 4, right: 18, top: 2, bottom: 2 } } };

export const LEGEND_TOP = { position: 'top' as const, labels: { boxWidth: 14, boxHeight: 14, padding: 10 } };

/** The `tickLabels` of a spec from the value axes that have them (undefined if none). */
export function tickLabelsOf(
  axes: Record<string, { tickLabels?: Record<string, string> }>,
): Record<string, Record<string, string>> | undefined {
  const out: Record<string, Record<string, string>> = {};
  for (const [id, a] of Object.entries(axes)) if (a.tickLabels) out[id] = a.tickLabels;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Drops undefined optional properties (exactOptionalPropertyTypes-friendly spreads). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
