// CPU cost: milliseconds of CPU per search (client and server, each from its own process
// accounting) turned into cores needed per 1,000 searches/s and a monthly price.
//
// cores per 1,000 searches/s = CPU-ms per search x 1,000 searches/s / 1,000 ms per core-second,
// which is numerically the CPU-ms per search.

/** Hours in an average month (365.25 x 24 / 12). */
export const HOURS_PER_MONTH = 730.5;

export interface CostInput {
  clientCpuMs: number;
  /** null when the server's CPU could not be read (it then counts as 0, with a warning). */
  serverCpuMs: number | null;
  /** Searches that were sent (completed + failed). */
  searches: number;
  coreHourUsd: number | null;
}

export interface Cost {
  clientCpuMsPerSearch: number;
  serverCpuMsPerSearch: number;
  coresPer1kSearchesPerSec: number;
  monthlyUsd?: number;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function computeCost(i: CostInput): Cost {
  const n = Math.max(1, i.searches);
  const client = i.searches > 0 ? i.clientCpuMs / n : 0;
  const server = i.searches > 0 && i.serverCpuMs !== null ? i.serverCpuMs / n : 0;
  const cores = client + server;
  const cost: Cost = {
    clientCpuMsPerSearch: round3(client),
    serverCpuMsPerSearch: round3(server),
    coresPer1kSearchesPerSec: round3(cores),
  };
  if (i.coreHourUsd !== null) cost.monthlyUsd = Math.round(cores * i.coreHourUsd * HOURS_PER_MONTH * 100) / 100;
  return cost;
}
