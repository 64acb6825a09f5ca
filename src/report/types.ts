// Types shared by the report renderers: a chart is either drawn (a Chart.js configuration
// that holds only JSON data, so the PNG and the HTML report render the same object) or
// skipped with the reason, which the report prints instead of an empty chart.
import type { ChartConfiguration } from 'chart.js';

export type ChartId =
  | 'bytes'
  | 'cpu'
  | 'latency'
  | 'breakdown'
  | 'batch-sweep'
  | 'batching'
  | 'bandwidth'
  | 'scaling-candidates'
  | 'scaling-features'
  | 'distribution'
  | 'peers';

export interface DrawnChart {
  state: 'drawn';
  id: ChartId;
  /** File name under the charts directory, e.g. `bytes.png`. */
  file: string;
  title: string;
  /** One or two sentences: what the chart shows and how to read it (alt text, caption). */
  caption: string;
  /** JSON-only Chart.js configuration: no functions, so it can be embedded in HTML as is. */
  config: ChartConfiguration;
  /**
   * Ticks to draw on a numeric axis, value -> label (e.g. the percentile axis, whose
   * values are log10(1 / (1 - p))). Applied by `prepareChartConfig` in chart-runtime.js.
   */
  tickLabels?: Record<string, Record<string, string>>;
}

export interface SkippedChart {
  state: 'skipped';
  id: ChartId;
  title: string;
  /** Why nothing was drawn, e.g. `no e2e runs in the results`. */
  reason: string;
}

export type ChartResult = DrawnChart | SkippedChart;

/** A plain table that both the Markdown and the HTML renderers print. */
export interface Table {
  title: string;
  columns: { label: string; align: 'left' | 'right' }[];
  rows: string[][];
  /** Printed under the table. */
  note?: string;
}
