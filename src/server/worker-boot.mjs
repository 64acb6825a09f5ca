// Worker entry when the stub runs from TypeScript sources (node --import tsx): worker threads
// do not inherit tsx's loader on Node 20, so register it here, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./decode-worker.ts');
