// Findings on two seed claims, computed from end-to-end runs against the stub, each said to be
// reproduced or not, with the numbers and the reason:
// - Zemanta: batching requests inside the server process cut compute calls 5x and halved CPU.
//   Needs runs with TF Serving batching on and off at the same batch size (--sweep batching=off,<file>).
// - Etsy: raising candidates per request from 5 to 25 barely moved server latency but cut
//   orchestration overhead. Needs runs at batch sizes 5 and 25 of one set-up.
// Each finding is left out when the runs it needs are absent.
import { percentileOf, type E2eRun, type Results } from '../results/index.js';
import { ms, pct, sig3, times } from './number-format.js';

const signedPct = (x: number): string => `${x >= 0 ? '+' : '−'}${pct(Math.abs(x) * 100)}`;

/** Server work per request: decode + compute of the median request, ms; undefined without a breakdown. */
function serverWorkMs(x: E2eRun): number | undefined {
  const b = x.breakdown;
  return b ? b.serverDecompressMs + b.serverDecodeMs + b.serverComputeMs : undefined;
}

const comparable = (x: E2eRun): boolean => x.endReason !== 'error' && x.searches.completed > 0;

/** Pairs of runs (same scenario, format, compression, batch size, workers) with batching off and on. */
function batchingPairs(runs: readonly E2eRun[]): { off: E2eRun; on: E2eRun }[] {
  const out: { off: E2eRun; on: E2eRun }[] = [];
  for (const on of runs) {
    if (!on.server || on.server.batching === null || !comparable(on)) continue;
    const off = runs.find(
      (x) =>
        x.server &&
        x.server.batching === null &&
        x.server.workers === on.server!.workers &&
        x.format === on.format &&
        x.compression === on.compression &&
        x.batchSize === on.batchSize &&
        comparable(x),
    );
    if (off) out.push({ off, on });
  }
  return out;
}

export function batchingFindings(r: Results, scenario: string): string[] {
  const runs = (r.e2e ?? []).filter((x) => x.scenario === scenario);
  const out: string[] = [];
  for (const { off, on } of batchingPairs(runs)) {
    const c0 = off.server!.modelCallsPerSearch;
    const c1 = on.server!.modelCallsPerSearch;
    const cpu0 = off.cost.serverCpuMsPerSearch;
    const cpu1 = on.cost.serverCpuMsPerSearch;
    if (c0 === undefined || c1 === undefined || c1 <= 0 || cpu0 <= 0 || cpu1 <= 0) continue;
    const callCut = c0 / c1;
    const cpuRatio = cpu1 / cpu0;
    const callsOk = callCut >= 4.5;
    const cpuOk = cpuRatio <= 0.6;
    const why: string[] = [];
    if (!callsOk) {
      why.push(
        `a model call served ${sig3(on.requests.intended / Math.max(1, on.searches.intended) / c1)} requests on average: merging needs requests of one signature waiting together, which depends on concurrency, batch_timeout_micros and max_batch_size (${on.batchSize} candidates per request)`,
      );
    }
    if (!cpuOk) {
      why.push(
        "the stub's model costs per candidate with almost no fixed cost per call (TF's Session::Run overhead is what batching saves), while each batched request pays a second hand-off between threads and the merge copy",
      );
    }
    const verdict = callsOk && cpuOk ? 'reproduced' : callsOk || cpuOk ? 'partly reproduced' : 'not reproduced';
    out.push(
      `Server-side batching (Zemanta: 5x fewer compute calls, half the CPU) is **${verdict}** for \`${on.format}\` at ${on.batchSize} candidates per request with \`${on.server!.batching}\`: ` +
        `model calls per search ${sig3(c0)} → ${sig3(c1)} (${callCut >= 1 ? `${times(callCut)} fewer` : `${times(1 / callCut)} more`}), server CPU per search ${ms(cpu0)} → ${ms(cpu1)} (${signedPct(cpuRatio - 1)})` +
        (why.length ? `; not as claimed because ${why.join('; and ')}.` : '.'),
    );
  }

  // Etsy: 5 -> 25 candidates per request, same set-up and format, batching off.
  const setupKey = (x: E2eRun): string =>
    `${x.format}|${x.compression}|${x.server?.workers ?? ''}|${x.server?.batching ?? ''}|${x.bandwidth ?? ''}`;
  const small = runs.filter((x) => x.batchSize === 5 && comparable(x) && (x.server?.batching ?? null) === null);
  for (const a of small) {
    const b = runs.find((x) => x.batchSize === 25 && comparable(x) && setupKey(x) === setupKey(a));
    if (!b) continue;
    const s5 = serverWorkMs(a);
    const s25 = serverWorkMs(b);
    const l5 = percentileOf(a.latency.search, 50)?.ms;
    const l25 = percentileOf(b.latency.search, 50)?.ms;
    if (s5 === undefined || s25 === undefined || l5 === undefined || l25 === undefined || s5 <= 0) continue;
    const serverGrowth = s25 / s5;
    const orch5 = a.cost.clientCpuMsPerSearch;
    const orch25 = b.cost.clientCpuMsPerSearch;
    const barely = serverGrowth <= 1.5;
    const cut = orch25 < orch5 * 0.9;
    const verdict = barely && cut ? 'reproduced' : barely || cut ? 'partly reproduced' : 'not reproduced';
    const reqs = (x: E2eRun): number => Math.round(x.requests.intended / Math.max(1, x.searches.intended));
    const why = !barely
      ? `: server work per request grew ${times(serverGrowth)} because the stub's decode and model cost scale with candidates and its fixed cost per request is small`
      : !cut
        ? ': the client-side cost per search did not fall with fewer requests'
        : '';
    out.push(
      `Bigger requests (Etsy: 5 → 25 candidates per request barely moves server latency, cuts orchestration overhead) is **${verdict}** for \`${a.format}\`: ` +
        `server decode + compute per request ${ms(s5)} → ${ms(s25)} (${times(serverGrowth)}), requests per search ${reqs(a)} → ${reqs(b)}, ` +
        `client CPU per search ${ms(orch5)} → ${ms(orch25)}, search p50 ${ms(l5)} → ${ms(l25)}${why}.`,
    );
  }
  return out;
}
