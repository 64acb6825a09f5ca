// Arguments of `payload-bench export artillery` (`npm run export -- artillery ...`): the same
// options as `npm run e2e` (parsed by the e2e parser, so every flag means the same and fails
// the same way), minus what Artillery cannot do the same way, which is refused with the reason.
import { DEFAULT_OUT, type E2eConfig } from '../load/index.js';
import { parseE2eArgs } from './e2e-args.js';

import { DEFAULT_EXPORT_OUT, DEFAULT_GRPC_TARGET, DEFAULT_REST_TARGET, type ExportConfig } from '../export/config.js';
export { DEFAULT_EXPORT_OUT, DEFAULT_GRPC_TARGET, DEFAULT_REST_TARGET, type ExportConfig };

export type ParsedExportArgs =
  | { kind: 'run'; config: ExportConfig }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string; exitCode: 2 };

export const EXPORT_USAGE = `Usage: payload-bench export artillery [options]

Writes a folder that Artillery runs with payload-bench's exact payloads, on one machine
(artillery run) or many (artillery run-fargate / run-lambda / run-aci --count N):
  payloads/**.bin   the request bytes, one file per batch (recorded requests round-robin)
  manifest.json     what the engine replays and what \`npm run report -- --artillery\` reads back
  artillery.yml     phases from --warmup / --duration / --rate, one scenario per
                    format x compression x batch size, includeFiles for distributed runs
  README.md         the exact commands

Options are those of \`npm run e2e\` (see \`npm run e2e -- --help\`), with these differences:
  --rate <R>                 required, whole searches per second (Artillery's arrivalRate)
  --arrival constant|poisson Artillery's uniform or poisson arrival mode
  --target / --rest-target   where Artillery will send (default ${DEFAULT_GRPC_TARGET} / ${DEFAULT_REST_TARGET},
                             the ports of \`npm run serve\`); nothing is contacted at export time
  --out <dir>                the folder to write (default ${DEFAULT_EXPORT_OUT}/)
  --requests N / --duration  the measured phase lasts N / R seconds or the duration, whichever
                             is shorter (Artillery phases are bounded by time)
Not available (Artillery has no equivalent, or it belongs to \`npm run serve\`): --concurrency,
--rate auto, --arrival-seed, --bandwidth, --rtt, --sweep, --json and the stub's
fault flags (--delay-ms, --stall-*, --error-rate, --model-cost: give them to \`npm run serve\`).`;

/** Parses `artillery [options]` (argv without node, script and the `export` word). Never throws. */
export function parseExportArgs(argv: readonly string[]): ParsedExportArgs {
  const [target, ...rest] = argv;
  if (target === undefined || target === '-h' || target === '--help') return { kind: 'help', text: EXPORT_USAGE };
  if (target !== 'artillery') {
    return {
      kind: 'error',
      message: `unknown export target ${JSON.stringify(target)} (expected: artillery)`,
      exitCode: 2,
    };
  }
  if (rest.includes('-h') || rest.includes('--help')) return { kind: 'help', text: EXPORT_USAGE };
  const refused = refusedFlag(rest);
  if (refused) return { kind: 'error', message: refused, exitCode: 2 };

  const parsed = parseE2eArgs(rest);
  if (parsed.kind === 'help') return { kind: 'help', text: EXPORT_USAGE };
  if (parsed.kind === 'error') return parsed;
  const e2e = parsed.config;
  const error = (message: string): ParsedExportArgs => ({ kind: 'error', message, exitCode: 2 });

  if (e2e.load.mode !== 'open')
    return error('--concurrency: Artillery starts virtual users on a schedule (open loop); give --rate R instead');
  if (e2e.load.rate === 'auto')
    return error(
      "--rate: give a whole number of searches per second (Artillery's arrivalRate); auto needs a server to measure, and export contacts none",
    );
  if (!Number.isInteger(e2e.load.rate) || e2e.load.rate < 1) {
    return error(
      `--rate: Artillery's arrivalRate takes whole arrivals per second; got ${e2e.load.rate} (use ${Math.max(1, Math.round(e2e.load.rate))})`,
    );
  }
  // Artillery phases are bounded by time: a search count becomes the time it takes at the rate.
  const bySearches = e2e.searches !== null ? Math.ceil(e2e.searches / e2e.load.rate) * 1000 : null;
  const caps = [e2e.durationMs, bySearches].filter((x): x is number => x !== null);
  const durationMs = Math.min(...caps);
  if (durationMs < 1000) return error(`--duration: at least 1s for Artillery phases, got ${durationMs} ms`);
  const hardCap = (e2e as { hardCapMs?: number }).hardCapMs;
  return {
    kind: 'run',
    config: {
      e2e,
      rate: e2e.load.rate,
      durationMs,
      hardCapMs: hardCap ?? e2e.deadlineMs,
      grpcTarget: e2e.target ?? DEFAULT_GRPC_TARGET,
      restTarget: e2e.restTarget ?? DEFAULT_REST_TARGET,
      out:
        e2e.out === DEFAULT_OUT && !rest.some((a) => a === '--out' || a.startsWith('--out='))
          ? DEFAULT_EXPORT_OUT
          : e2e.out,
    },
  };
}

const REFUSED: Record<string, string> = {
  '--concurrency': 'Artillery starts virtual users on a schedule (open loop); give --rate R instead',
  '--arrival-seed': "Artillery's poisson mode draws its own arrivals (Math.random); it takes no seed",
  '--bandwidth': 'shaping belongs to the network the Artillery workers run in; not exported',
  '--rtt': 'added latency belongs to the network the Artillery workers run in; not exported',
  '--sweep': 'export writes one load plan; export once per bandwidth instead',
  '--json': 'export writes a folder; there is no results JSON to print',
  '--delay-ms': 'fault injection is a flag of the stub server: give it to `npm run serve`',
  '--stall-every': 'fault injection is a flag of the stub server: give it to `npm run serve`',
  '--stall-ms': 'fault injection is a flag of the stub server: give it to `npm run serve`',
  '--error-rate': 'fault injection is a flag of the stub server: give it to `npm run serve`',
  '--model-cost': 'model cost is a flag of the stub server: give it to `npm run serve`',
};

function refusedFlag(argv: readonly string[]): string | undefined {
  for (const a of argv) {
    const flag = a.split('=')[0]!;
    const why = REFUSED[flag];
    if (why) return `${flag}: not available for export: ${why}`;
  }
  return undefined;
}
