// results/summary.md: the console tables in Markdown with a short header on how and where
// they were measured, small enough for a PR comment. A pure function of the results.
import type { Results } from '../results/index.js';
import { codecGrid, formatGrid, scenarioLine, sweepGrid } from './result-grids.js';
import { describePlan, scenarioTables, sweepTables } from './table-model.js';
import { renderMarkdown } from './text-table.js';

/** GitHub's comment limit is 65,536 characters; the summary stays well under. */
export const MAX_SUMMARY_BYTES = 64 * 1024;

export function renderMarkdownSummary(results: Results): string {
  const e = results.env;
  const commit = e.gitCommit ? `commit \`${e.gitCommit.slice(0, 12)}\`${e.gitDirty ? ' (uncommitted changes)' : ''}` : 'no git commit';
  const out: string[] = [
    '# payload-bench results',
    '',
    `${results.state === 'complete' ? 'Complete run' : `**${results.state} run** (partial)`}, ${results.createdAt}, payload-bench ${results.tool.version}.`,
    `Node ${e.node} (V8 ${e.v8}, zlib ${e.zlib}), ${e.cpuModel}, ${e.cores} cores, ${e.os}, ${commit}.`,
  ];
  const plan = describePlan(results.config);
  if (plan) out.push(`Measured: ${plan}.`);
  out.push(
    '',
    'Times are medians in ms. *x floor* is the time over one memcpy of the format\'s encoded bytes in the same process; *spread* is the range of the per-process medians over the median. Sizes are exact; 1 kB = 1000 bytes.',
  );
  for (const t of scenarioTables(results)) {
    out.push('', `## ${t.info.name}`, '', `${scenarioLine(t)}, fingerprint \`${t.info.fingerprint}\`.`, '');
    out.push(renderMarkdown(formatGrid(t)), '');
    out.push('Bytes on the wire by codec:', '', renderMarkdown(codecGrid(t.wire, 'bytes')), '');
    out.push('CPU ms per request by codec (encode + compress + decompress + decode):', '', renderMarkdown(codecGrid(t.cpu, 'ms')));
  }
  const sweeps = sweepTables(results);
  if (sweeps.length) out.push('', '## Sweeps');
  for (const s of sweeps) {
    out.push('', `${s.scenario} by ${s.dimension}: total CPU in µs per ${s.dimension === 'candidates' ? 'candidate' : 'feature'} (${s.codec}); flat rows scale linearly.`, '');
    out.push(renderMarkdown(sweepGrid(s)));
  }
  if (results.warnings.length) {
    out.push('', '## Warnings', '', ...results.warnings.map((w) => `- ${w}`));
  }
  return `${out.join('\n')}\n`;
}
