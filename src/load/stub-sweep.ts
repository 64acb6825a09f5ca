// `--sweep workers=1,2` / `--sweep batching=off,<file>`: the whole measurement once per stub
// set-up, each against its own freshly spawned stub, passes concatenated. Each run records its
// stub's workers and batching (E2eRun.server), so the report can put the set-ups side by side.
// The harness floor is measured per pass; the first pass's floor is kept (the no-op call does
// not go through the worker pool or the batcher).
import type { E2eConfig, StubOptions, StubVariant } from './config.js';
import { runE2e, type E2ePass, type RunE2eOptions } from './run-e2e.js';

/** The stub options of one variant: the base options with its workers / batching file. */
export function variantStub(base: StubOptions, v: StubVariant): StubOptions {
  const stub: StubOptions = { ...base };
  if (v.workers !== undefined) stub.workers = v.workers;
  if (v.batching === null) delete stub.batchingFile;
  else if (v.batching !== undefined) stub.batchingFile = v.batching;
  return stub;
}

export async function runE2eSweep(config: E2eConfig, opts: RunE2eOptions = {}): Promise<E2ePass> {
  const variants = config.stubSweep ?? [];
  if (variants.length === 0) return runE2e(config, opts);
  const merged: E2ePass = { runs: [], harnessFloor: [], warnings: [] };
  for (const v of variants) {
    if (opts.signal?.aborted) break;
    const pass = await runE2e({ ...config, stub: variantStub(config.stub, v), stubSweep: [] }, opts);
    merged.runs.push(...pass.runs);
    if (merged.harnessFloor.length === 0) merged.harnessFloor = pass.harnessFloor;
    merged.warnings.push(...pass.warnings);
  }
  return merged;
}
