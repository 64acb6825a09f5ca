// README.md of an export folder: what is in it and the exact commands, locally and on
// Artillery's distributed runners.
import type { Manifest } from './manifest.js';

export function renderExportReadme(m: Manifest, o: { script: string; out: string }): string {
  const one = m.combinations[0]!;
  const many = m.combinations.length > 1;
  const lines = [
    `# payload-bench export for Artillery`,
    '',
    `Scenario \`${m.scenario.name}\` (${m.scenario.candidates} candidates x ${m.scenario.features} features, fingerprint \`${m.scenario.fingerprint}\`), model \`${m.modelName}\`: ` +
      `${m.load.rate} searches/s (${m.load.arrival}), ${m.load.warmupMs / 1000} s warmup + ${m.load.durationMs / 1000} s measured, ${m.load.budgetMs} ms budget per search (cut at ${m.load.hardCapMs} ms). ` +
      `Targets: gRPC \`${m.targets.grpc}\`, REST \`${m.targets.rest}\` (change them under \`config.engines.payload-bench\` in \`${o.script}\`).`,
    '',
    '| scenario (`--scenario-name`) | format | compression | batch | batches per search | bytes per search |',
    '|---|---|---|---|---|---|',
    ...m.combinations.map((c) => {
      const set = m.payloads.find((p) => p.id === c.payloads)!;
      const first = set.searches[0]!;
      return `| \`${c.scenarioName}\` | ${c.format} | ${c.compression} | ${c.batchSize} | ${first.length} | ${first.reduce((n, b) => n + b.bytes, 0)} |`;
    }),
    '',
    'Once: Artillery and this engine, side by side (Artillery finds engines next to itself; 2.0.34 is the version tested with this engine):',
    '',
    '```sh',
    'PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install -g artillery@2.0.34 <payload-bench>/packages/artillery-engine-payload-bench',
    'export ARTILLERY_DISABLE_TELEMETRY=true   # optional: Artillery sends anonymous usage data otherwise',
    '```',
    '',
    'Run here, then render the report with payload-bench (from the folder the export was made in):',
    '',
    '```sh',
    `artillery run ${joinPath(o.out, o.script)}${many ? ` --scenario-name "${one.scenarioName}"` : ''} --output ${joinPath(o.out, 'report.json')}`,
    `npm run report -- --artillery ${joinPath(o.out, 'report.json')} --out results/artillery`,
    '```',
    '',
    'On N machines (AWS Fargate; the engine must be installable by name on the workers, e.g. from your npm registry):',
    '',
    '```sh',
    `artillery run-fargate ${joinPath(o.out, o.script)} --count N --region <region>${many ? ` --scenario-name "${one.scenarioName}"` : ''} --output ${joinPath(o.out, 'report.json')}`,
    '```',
    '',
    `\`--rate\` is the total over all workers: Artillery divides each phase's arrivalRate between them.`,
    ...(many
      ? [
          '',
          `Without \`--scenario-name\` one run mixes all ${m.combinations.length} combinations (each search picks one at random); with it, each combination runs alone at the full rate, as \`npm run e2e\` measures.`,
        ]
      : []),
    ...(m.warnings.length ? ['', 'Notes:', ...m.warnings.map((w) => `- ${w}`)] : []),
    '',
  ];
  return lines.join('\n');
}

function joinPath(dir: string, file: string): string {
  return `${dir.replace(/\/+$/, '')}/${file}`;
}
