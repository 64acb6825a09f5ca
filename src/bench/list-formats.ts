// `npm run formats`: every format (id, transport, method, description) and every codec
// (id, levels, default, implementation, description), as text. Pure.
import { describeCodecs, formatLevels } from '../codecs/index.js';
import { FORMATS, methodLabel } from '../formats/index.js';
import { DEFAULT_CODECS } from './measure-plan.js';
import { renderText } from '../common/text-table.js';

export function renderFormatList(): string {
  const formats = renderText({
    header: ['format', 'transport', 'method', 'description'],
    align: ['left', 'left', 'left', 'left'],
    rows: FORMATS.map((f) => [f.id, f.transport, methodLabel(f), f.description]),
  });
  const codecs = renderText({
    header: ['codec', 'levels', 'default', 'implementation', 'description'],
    align: ['left', 'left', 'right', 'left', 'left'],
    rows: describeCodecs().map((c) => [
      c.id,
      formatLevels(c.levels),
      String(c.defaultLevel),
      c.implementation,
      c.description,
    ]),
  });
  return [
    `Formats (${FORMATS.length}; pass ids to --formats, or all):`,
    '',
    formats,
    '',
    'Codecs (pass id or id:level to --codecs / --codec):',
    '',
    codecs,
    '',
    `Default bench codec set: ${DEFAULT_CODECS}`,
    '',
  ].join('\n');
}
