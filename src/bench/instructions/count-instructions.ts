// Instruction mode: counts the instructions of one call of every format x op (encode, decode,
// and compress/decompress per codec) under valgrind's callgrind, one fresh process per scenario
// x format x run (count-worker.ts), and returns them as a Results object (`instructions[]`, plus
// the exact sizes the workers saw). Node runs with fixed hash and random seeds, without the
// optimising compiler and with a predictable GC schedule, so the counts are deterministic:
// several processes may run at once (contention changes time, not instructions).
import { moduleEntry } from '../../common/node-entry.js';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCodecList } from '../../codecs/index.js';
import { SCHEMA_VERSION, type InstructionRecord, type Results, type SizeRecord } from '../../results/index.js';
import { loadScenario, type Scenario } from '../../scenario/index.js';
import { collectEnv, toolVersion } from '../../common/env.js';
import { scenarioInfo } from '../../common/scenario-info.js';
import { buildAddon, findValgrind } from './callgrind-addon.js';
import type { CountJob, CountOutput } from './count-protocol.js';

const WORKER = moduleEntry(import.meta.url, 'count-worker');

/** Node flags that make a count repeatable: fixed seeds, interpreter and baseline code only, GC on a fixed schedule. */
export const NODE_FLAGS = [
  '--hash-seed=1',
  '--random-seed=1',
  '--no-opt',
  '--predictable',
  '--predictable-gc-schedule',
  '--expose-gc',
] as const;

export interface InstructionConfig {
  /** Scenario references (preset names or files). */
  scenarios: string[];
  candidates: number | null;
  seed: number | null;
  formats: string[];
  /** Codec labels whose compress and decompress are counted. */
  codecs: string[];
  /** Fresh processes per format; the record keeps every run's count and their median. @default 1 */
  runs: number;
  /** Counting processes at once. @default the number of cores, at most 4 */
  parallel?: number;
}

/** The CI-sized instruction scenario: etsy-search's 300 features with 50 candidates (tf-example decode ~0.4 G instructions, not 8 G: 14 formats count in minutes on 2 cores). */
export const INSTRUCTION_DEFAULTS = {
  scenarios: ['etsy-search'],
  candidates: 50,
  codecs: ['zstd:3'],
  runs: 1,
} as const;

export interface InstructionProgress {
  scenario: string;
  format: string;
  run: number;
  wallMs: number;
  done: number;
  total: number;
}

/**
 * Count every format x op of `config`.
 * @throws ValgrindMissingError when valgrind, its headers or a C compiler are missing; Error when a worker fails
 */
export async function countInstructions(
  config: InstructionConfig,
  opts: { env?: NodeJS.ProcessEnv; onProgress?: (p: InstructionProgress) => void } = {},
): Promise<Results> {
  const env = opts.env ?? process.env;
  const valgrind = findValgrind(env);
  const addon = buildAddon(valgrind);
  const started = performance.now();
  const scenarioOpts = {
    ...(config.candidates !== null ? { candidates: config.candidates } : {}),
    ...(config.seed !== null ? { seed: config.seed } : {}),
  };
  const scenarios = config.scenarios.map((ref) => loadScenario(ref, scenarioOpts));
  const codecs = parseCodecList(config.codecs.join(','));
  const root = mkdtempSync(join(tmpdir(), 'payload-bench-cg-'));
  const tasks: { scenario: Scenario; format: string; run: number }[] = [];
  for (const scenario of scenarios)
    for (const format of config.formats)
      for (let run = 0; run < config.runs; run++) tasks.push({ scenario, format, run });
  const outputs = new Map<string, CountOutput[]>();
  const parallel = Math.max(1, config.parallel ?? Math.min(4, availableParallelism()));
  let next = 0;
  let done = 0;
  try {
    const lane = async (): Promise<void> => {
      while (next < tasks.length) {
        const i = next++;
        const t = tasks[i]!;
        const dir = join(root, String(i));
        mkdirSync(dir);
        const job: CountJob = {
          scenario: t.scenario,
          format: t.format,
          codecs: codecs.map((c) => c.label),
          addon,
          dumpDir: dir,
          outFile: join(dir, 'out.json'),
          ...(env.PAYLOAD_BENCH_INJECT_SLOWDOWN ? { slowdown: env.PAYLOAD_BENCH_INJECT_SLOWDOWN } : {}),
        };
        writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
        const t0 = performance.now();
        await runWorker(valgrind.path, dir, env);
        const out = JSON.parse(readFileSync(job.outFile, 'utf8')) as CountOutput;
        const key = `${t.scenario.name}\u0000${t.format}`;
        outputs.set(key, [...(outputs.get(key) ?? []), out]);
        rmSync(dir, { recursive: true, force: true });
        opts.onProgress?.({
          scenario: t.scenario.name,
          format: t.format,
          run: t.run,
          wallMs: performance.now() - t0,
          done: ++done,
          total: tasks.length,
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, tasks.length) }, lane));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }

  const sizes: SizeRecord[] = [];
  const instructions: InstructionRecord[] = [];
  const warnings: string[] = [];
  for (const scenario of scenarios) {
    for (const format of config.formats) {
      const outs = outputs.get(`${scenario.name}\u0000${format}`)!;
      const first = outs[0]!;
      sizes.push({
        scenario: scenario.name,
        format,
        codec: 'identity',
        rawBytes: first.rawBytes,
        compressedBytes: first.rawBytes,
      });
      for (const c of first.compressed)
        sizes.push({
          scenario: scenario.name,
          format,
          codec: c.codec,
          rawBytes: first.rawBytes,
          compressedBytes: c.bytes,
        });
      for (const c of first.counts) {
        const runs = outs.map((o) => o.counts.find((x) => x.op === c.op && x.codec === c.codec)!.instructions);
        instructions.push({
          scenario: scenario.name,
          format,
          codec: c.codec,
          op: c.op,
          instructions: median(runs),
          runs,
        });
        const spread = (Math.max(...runs) - Math.min(...runs)) / Math.max(1, Math.min(...runs));
        if (spread > 0.001)
          warnings.push(
            `${scenario.name} ${format} ${c.op} ${c.codec}: counts differ by ${(spread * 100).toFixed(2)}% between runs (${runs.join(', ')})`,
          );
      }
    }
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'payload-bench', version: toolVersion() },
    createdAt: new Date().toISOString(),
    env: collectEnv(codecs.map((c) => c.id)),
    config: {
      mode: 'instructions',
      scenarios: config.scenarios,
      candidates: config.candidates,
      seed: config.seed,
      formats: config.formats,
      codecs: config.codecs,
      runs: config.runs,
      valgrind: valgrind.version,
      counter: `valgrind --tool=callgrind --instr-atstart=no; node ${NODE_FLAGS.join(' ')}; one call per op between callgrind client requests (native/callgrind), after two untimed calls and gc()`,
      wallMs: Math.round(performance.now() - started),
    },
    scenarios: scenarios.map(scenarioInfo),
    sizes,
    micro: [],
    instructions,
    state: 'complete',
    warnings,
  };
}

/** setarch can switch ASLR off for a child (Linux; refused in some containers). */
const NO_ASLR = process.platform === 'linux' && spawnSync('setarch', ['linux64', '-R', 'true']).status === 0;

function runWorker(valgrind: string, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const args = [
    '--tool=callgrind',
    '--instr-atstart=no',
    '--separate-threads=yes',
    `--callgrind-out-file=${join(dir, 'cg.%p')}`,
    `--log-file=${join(dir, 'valgrind.log')}`,
    process.execPath,
    ...NODE_FLAGS,
    ...WORKER.execArgv,
    WORKER.file,
    join(dir, 'job.json'),
  ];
  return new Promise((resolve, reject) => {
    // Without address-space randomisation where setarch allows it: hash tables keyed by
    // addresses otherwise take a few more or fewer probes from one process to the next.
    const [cmd, argv] = NO_ASLR ? ['setarch', ['linux64', '-R', valgrind, ...args]] : [valgrind, args];
    // No glibc fast bins: freeing into them and consolidating them later made the C heap's
    // work depend on history (see count-worker.ts).
    const tunables = [env.GLIBC_TUNABLES, 'glibc.malloc.mxfast=0'].filter(Boolean).join(':');
    const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...env, GLIBC_TUNABLES: tunables } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      let log = '';
      try {
        log = readFileSync(join(dir, 'valgrind.log'), 'utf8').split('\n').slice(-8).join('\n');
      } catch {
        // no log written
      }
      reject(
        new Error(
          `instruction counting worker failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(-2000)}${log ? `\nvalgrind log:\n${log}` : ''}`,
        ),
      );
    });
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
}
