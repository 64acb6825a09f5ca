// `npm run formats`: lists every format and every codec the bench knows.
import { renderFormatList } from '../src/bench/index.js';

process.stdout.write(renderFormatList());
