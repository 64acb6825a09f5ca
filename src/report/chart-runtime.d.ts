// Types for chart-runtime.js (plain JavaScript so the HTML report can inline it).
import type { Chart, ChartConfiguration, Plugin } from 'chart.js';
import type { DrawnChart } from './types.js';

export declare const BACKGROUND_PLUGIN: Plugin;
export declare const STACK_TOTALS_PLUGIN: Plugin;
export declare const ERROR_BARS_PLUGIN: Plugin;
export declare function applyChartDefaults(chart: typeof Chart, fontFamily: string): void;
export declare function prepareChartConfig(
  spec: Pick<DrawnChart, 'config' | 'tickLabels'>,
  options: { responsive: boolean; aspectRatio?: number; fontFamily?: string },
): ChartConfiguration;
