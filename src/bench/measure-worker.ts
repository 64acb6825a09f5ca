// Child-process entry point: receives one WorkerJob over IPC, measures one format on one
// scenario in this fresh V8 (see measure-plan.ts for why), reports over IPC, exits.
// Exit codes: 0 done, 4 round-trip check failed, 1 anything else.
import { loadFormatModules } from '../formats/index.js';
import { measureFormat } from './measure-format.js';
import { VerificationError } from './verify.js';
import { EXIT_VERIFICATION, type ParentMessage, type WorkerMessage } from './worker-protocol.js';

/** Sends over IPC; resolves once the message is handed to the channel. */
function send(msg: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(msg, undefined, {}, () => resolve());
  });
}

if (!process.send) {
  process.stderr.write('measure-worker: started by the bench (child_process.fork), not directly\n');
  process.exit(1);
}

// If the parent goes away (killed hard), stop rather than measure for nobody.
let finishing = false;
process.on('disconnect', () => {
  if (!finishing) process.exit(1);
});

process.once('message', (raw: ParentMessage) => {
  void (async () => {
    let code = 0;
    try {
      await loadFormatModules(process.argv.slice(2)); // plug-in formats the parent loaded
      await measureFormat(raw.job, (m) => void send(m));
      await send({ type: 'done' });
    } catch (err) {
      const verification = err instanceof VerificationError;
      code = verification ? EXIT_VERIFICATION : 1;
      const message = err instanceof Error ? (verification ? err.message : (err.stack ?? err.message)) : String(err);
      await send({ type: 'error', kind: verification ? 'verification' : 'crash', message });
    }
    process.exitCode = code;
    finishing = true;
    process.disconnect();
  })();
});
