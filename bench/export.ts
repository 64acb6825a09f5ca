// `npm run export -- artillery [options]`: writes payload-bench's payloads, a manifest and an
// Artillery script to a folder (src/export/run-export.ts).
import { runExport } from '../src/export/index.js';

process.exit(await runExport(process.argv.slice(2)));
