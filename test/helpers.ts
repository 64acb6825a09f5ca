// Shared test helpers: scenarios sized for a fast suite.
import { generate, loadScenario, type Scenario } from '../src/scenario/index.js';
import type { RankingRequest } from '../src/tensors/index.js';

/** Candidates per preset in tests: enough to exercise every path, small enough to stay fast. */
export const TEST_CANDIDATES: Record<string, number | undefined> = {
  tiny: undefined,
  'ctr-small': undefined,
  'etsy-search': 60,
  'context-heavy': 40,
  'ads-heavy': 8,
};

export function testScenario(name: string, seed?: number): Scenario {
  const candidates = TEST_CANDIDATES[name];
  return loadScenario(name, { ...(candidates ? { candidates } : {}), ...(seed !== undefined ? { seed } : {}) });
}

export function testRequest(name: string, seed?: number): RankingRequest {
  return generate(testScenario(name, seed));
}

/**
 * Waits until `ok()` holds, polled every 5 ms, so a test sequences its steps on what a server
 * did rather than on how long a loaded machine took. Fails naming `what` after `limitMs`.
 */
export async function poll(what: string, ok: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`never happened within ${limitMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
