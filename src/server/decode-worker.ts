// A worker thread of the stub: builds the servable once (schema, model weights), then runs
// each op the pool posts (see worker-ops.ts) and posts the result back with its timing and
// the two hand-off stamps (when the op arrived, when the result left), on a shared clock.
import { parentPort, workerData } from 'node:worker_threads';
import { Servable } from './servable.js';
import { runOp, wallNow, type WorkerOp } from './worker-ops.js';
import './oip-calls.js'; // registers the Open Inference Protocol call kinds
import type { FeatureSpec } from '../scenario/types.js';

export interface WorkerInit {
  modelName: string;
  features: FeatureSpec[];
  modelCost: number;
}

const init = workerData as WorkerInit;
const servable = new Servable(init.modelName, { features: init.features }, init.modelCost);
const port = parentPort!;

port.on('message', (msg: WorkerOp & { id: number; sentAt: number }) => {
  const receivedAt = wallNow();
  const { result, transfer } = runOp(servable, msg, true);
  port.postMessage({ id: msg.id, result, handoffIn: receivedAt - msg.sentAt, doneAt: wallNow() }, transfer);
});
port.postMessage({ ready: true });
