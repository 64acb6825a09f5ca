// The Artillery script of an export: the engine and where it sends, a warmup and a measured
// phase at --rate arrivals per second (one arrival = one search), includeFiles so that
// distributed runs ship the manifest and payloads, and one scenario per combination.
// Strings are written as JSON strings, which YAML reads as double-quoted scalars.
import type { Manifest } from './manifest.js';

export const ENGINE_NAME = 'payload-bench';
export const WARMUP_PHASE = 'warmup';
export const MEASURE_PHASE = 'measure';

/** Payload-bench's open-loop cap on searches in flight, split by Artillery across workers. */
const MAX_VUSERS = 1000;

export function renderArtilleryYaml(m: Manifest, manifestFile: string, payloadFiles: readonly string[]): string {
  const q = (s: string): string => JSON.stringify(s);
  const lines: string[] = [
    `# Written by \`payload-bench export artillery\` (payload-bench ${m.tool.version}, ${m.createdAt}).`,
    `# Scenario ${m.scenario.name}: ${m.scenario.candidates} candidates x ${m.scenario.features} features; ${m.combinations.length} combination(s). See README.md.`,
    '# Needs artillery-engine-payload-bench next to artillery (see README.md).',
    'config:',
    `  target: ${q(m.targets.grpc)}`,
    '  engines:',
    `    ${ENGINE_NAME}:`,
    `      manifest: ${q(manifestFile)}`,
    `      grpcTarget: ${q(m.targets.grpc)}`,
    `      restTarget: ${q(m.targets.rest)}`,
    `      budgetMs: ${m.load.budgetMs}`,
    `      hardCapMs: ${m.load.hardCapMs}`,
    ...(m.load.connections !== null ? [`      connections: ${m.load.connections}`] : []),
    '  phases:',
  ];
  const phase = (name: string, ms: number): void => {
    lines.push(`    - name: ${q(name)}`, `      duration: ${duration(ms)}`, `      arrivalRate: ${m.load.rate}`);
    if (m.load.arrival === 'poisson') lines.push('      mode: "poisson"');
    lines.push(`      maxVusers: ${MAX_VUSERS}`);
  };
  if (m.load.warmupMs > 0) phase(WARMUP_PHASE, m.load.warmupMs);
  phase(MEASURE_PHASE, m.load.durationMs);
  lines.push('  includeFiles:', `    - ${q(manifestFile)}`, ...payloadFiles.map((f) => `    - ${q(f)}`));
  lines.push('scenarios:');
  for (const c of m.combinations) {
    lines.push(
      `  - name: ${q(c.scenarioName)}`,
      `    engine: ${q(ENGINE_NAME)}`,
      '    flow:',
      `      - search: ${q(c.key)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Whole seconds as a number (Artillery's unit), anything else as "<ms>ms". */
function duration(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : JSON.stringify(`${ms}ms`);
}
