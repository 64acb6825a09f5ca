// `payload-bench formats`: lists every format (built-in and plug-in) and every codec.
import { renderFormatList } from '../../bench/list-formats.js';
import { parseOptions, UsageError } from '../../args/validators.js';
import { SHARED_OPTIONS } from '../../args/shared-options.js';

const USAGE = `Usage: payload-bench formats [--format-module <path>]...

Lists every format (id, transport, RPC or route, what goes on the wire) and every codec.`;

export async function run(argv: readonly string[], name: string): Promise<number> {
  try {
    const { values } = parseOptions(argv, { help: SHARED_OPTIONS.help });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`payload-bench ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
  process.stdout.write(renderFormatList());
  return 0;
}
