// Console rendering of a Results object: per scenario, the format table, then bytes and CPU
// per codec; then sweeps and warnings. A pure function of the results (returns text).
import type { Results } from '../results/index.js';
import { codecGrid, formatGrid, scenarioLine, sweepGrid } from './result-grids.js';
import { scenarioTables, sweepTables } from './table-model.js';
import { renderText } from '../common/text-table.js';

export function renderConsole(results: Results): string {
  const out: string[] = [];
  for (const t of scenarioTables(results)) {
    out.push(`${t.info.name}: ${scenarioLine(t)}`, '');
    out.push(renderText(formatGrid(t)), '');
    out.push('bytes on the wire, by codec', renderText(codecGrid(t.wire, 'bytes')), '');
    out.push(
      'CPU ms per request, by codec (encode + compress + decompress + decode)',
      renderText(codecGrid(t.cpu, 'ms')),
      '',
    );
  }
  for (const s of sweepTables(results)) {
    out.push(
      `sweep ${s.scenario} by ${s.dimension}: total CPU µs per ${s.dimension === 'candidates' ? 'candidate' : 'feature'} (${s.codec})`,
    );
    out.push(renderText(sweepGrid(s)), '');
  }
  out.push(
    "medians; enc+dec = sum of the two medians; x floor = time / the scenario's floor (a warm copy of the request's " +
      'logical tensor bytes into a fresh allocation, the same for every format); spread = range of round medians / median; 1 kB = 1000 B',
  );
  if (results.state !== 'complete') out.push(`state: ${results.state}`);
  for (const w of results.warnings) out.push(`warning: ${w}`);
  return `${out.join('\n')}\n`;
}
