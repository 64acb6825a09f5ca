// Ours vs peers (bench --peers): for each format and op, ours' median divided by each peer
// library's on the same bytes in the same child processes. Below the line at 1, ours is faster.
import type { ChartConfiguration } from 'chart.js';
import type { Results } from '../results/index.js';
import {
  BASE_OPTIONS,
  LEGEND_TOP,
  formatAxis,
  optional,
  scenarioLabel,
  tickLabelsOf,
  titlePlugins,
  valueAxis,
} from './chart-common.js';
import { orderFormats } from './palette.js';
import { primaryScenario } from './select.js';
import { howTimed, PREBUILT, peerImpls, peerRecords, prebuiltVsFastest } from './table-peers.js';
import type { ChartResult } from './types.js';

const TITLE = 'Ours vs peers: time ratio on the same bytes';
const PEER_COLORS: Record<string, string> = {
  protobufjs: '#e15759',
  'protobuf-es': '#4e79a7',
  JSON: '#f28e2b',
  msgpackr: '#59a14f',
  copy: '#222222',
  [PREBUILT]: '#b07aa1',
};

export function chartPeers(r: Results, scenario = primaryScenario(r)): ChartResult {
  const records = scenario === undefined ? [] : peerRecords(r, scenario);
  if (scenario === undefined || records.length === 0) {
    return {
      state: 'skipped',
      id: 'peers',
      title: TITLE,
      reason: 'no peer measurements in the results (run the bench with --peers)',
    };
  }
  const formats = orderFormats([...new Set(records.map((p) => p.format))]);
  const labels: string[] = [];
  const keys: { format: string; op: 'encode' | 'decode' }[] = [];
  for (const op of ['decode', 'encode'] as const) {
    for (const f of formats) {
      if (records.some((p) => p.format === f && p.op === op && p.impl === 'ours')) {
        labels.push(`${f} ${op}`);
        keys.push({ format: f, op });
      }
    }
  }
  const impls = [...peerImpls(records), 'copy'];
  const datasets = impls.map((impl) => ({
    type: 'bar' as const,
    label: impl === 'copy' ? 'copy of the same bytes (fresh allocation)' : impl,
    data: keys.map(
      (k) => records.find((p) => p.format === k.format && p.op === k.op && p.impl === impl)?.oursRatio ?? null,
    ),
    backgroundColor: PEER_COLORS[impl] ?? '#bab0ac',
    borderWidth: 0,
  }));
  if (records.some((p) => p.impl === PREBUILT)) {
    datasets.push({
      type: 'bar' as const,
      label: 'ours on a prebuilt message ÷ fastest peer (encode, like for like)',
      data: keys.map((k) => (k.op === 'encode' ? (prebuiltVsFastest(records, k.format)?.ratio ?? null) : null)),
      backgroundColor: PEER_COLORS[PREBUILT]!,
      borderWidth: 0,
    });
  }
  const values = datasets.flatMap((d) => d.data);
  const y = valueAxis({
    title: 'ours ÷ peer (median time; below 1: ours faster)',
    unit: 'count',
    values: [...values, 1],
    pad: 1.3,
  });
  const config = {
    type: 'bar',
    data: { labels, datasets },
    options: {
      ...BASE_OPTIONS,
      plugins: {
        ...titlePlugins(
          `${TITLE} — ${scenarioLabel(r, scenario)}`,
          `Median time of ours divided by each peer library on the same encoded bytes, same child processes, ${howTimed(records).replace(/ \(.*\)$/, '')}; below 1 ours is faster.`,
        ),
        legend: LEGEND_TOP,
      },
      scales: { x: formatAxis(), y: y.axis },
    },
  } as unknown as ChartConfiguration;
  return {
    state: 'drawn',
    id: 'peers',
    file: 'peers.png',
    title: TITLE,
    caption: `Ours vs protobufjs, protobuf-es, JSON.parse + gather and msgpackr on the same ${scenario} bytes: ours' median time divided by each peer's, per format and op (decode also against a fresh-allocation copy of the bytes; encode also our wire encoder on a finished message, as the peers encode, against the fastest peer). Below 1, ours is faster.`,
    config,
    ...optional('tickLabels', tickLabelsOf({ y })),
  };
}
