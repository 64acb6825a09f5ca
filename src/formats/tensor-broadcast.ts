// tensor-broadcast: tensor-content, but context features (user, query, device)
// are sent once with leading dimension 1 and broadcast to every candidate by the
// server (SmartNews' change).
import { tensorFormat } from './tensor-formats.js';

export const tensorBroadcast = tensorFormat({
  id: 'tensor-broadcast',
  description: 'tensor-content with context features sent once (leading dim 1), broadcast server-side',
  encoding: 'content',
  contextOnce: true,
  pack: false,
  signature: 'serving_default',
});
