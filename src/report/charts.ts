// Builds every chart of the report from a Results object, in the order; a chart
// whose data is absent comes back as skipped with the reason.
import type { Results } from '../results/index.js';
import { chartBandwidth } from './chart-bandwidth.js';
import { chartBatchSweep } from './chart-batch-sweep.js';
import { chartBatching } from './chart-batching.js';
import { chartBreakdown } from './chart-breakdown.js';
import { chartBytes } from './chart-bytes.js';
import { chartCpu } from './chart-cpu.js';
import { chartDistribution } from './chart-distribution.js';
import { chartPeers } from './chart-peers.js';
import { chartLatency } from './chart-latency.js';
import { chartScaling } from './chart-scaling.js';
import { primaryScenario } from './select.js';
import type { ChartResult, DrawnChart, SkippedChart } from './types.js';

export interface ChartSet {
  drawn: DrawnChart[];
  skipped: SkippedChart[];
}

/** Every chart file name the report may write (to clear stale ones). */
export const CHART_FILES = [
  'bytes.png',
  'cpu.png',
  'latency.png',
  'breakdown.png',
  'batch-sweep.png',
  'batching.png',
  'bandwidth.png',
  'scaling-candidates.png',
  'scaling-features.png',
  'distribution.png',
  'peers.png',
] as const;

export function buildCharts(r: Results, scenario = primaryScenario(r)): ChartSet {
  const all: ChartResult[] = [
    chartBytes(r, scenario),
    chartCpu(r, scenario),
    chartLatency(r, scenario),
    chartBreakdown(r, scenario),
    chartBatchSweep(r, scenario),
    // Only runs that swept the stub's set-up (--sweep batching=... / workers=...) have it.
    ...((r.e2e ?? []).some((x) => x.server && (x.server.batching !== null || x.server.workers !== null))
      ? [chartBatching(r, scenario)]
      : []),
    chartBandwidth(r, scenario),
    ...chartScaling(r, scenario),
    chartDistribution(r, scenario),
    // Only runs with --peers have the section; others are not told about a chart they did not ask for.
    ...(r.peers ? [chartPeers(r, scenario)] : []),
  ];
  return {
    drawn: all.filter((c): c is DrawnChart => c.state === 'drawn'),
    skipped: all.filter((c): c is SkippedChart => c.state === 'skipped'),
  };
}
