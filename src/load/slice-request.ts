// Splits one search (a RankingRequest of all candidates) into the batches a ranking service
// sends concurrently: item columns sliced by rows (ragged ones through their row_splits),
// context columns kept as they are. Slices own their buffers, so encoders see plain arrays.
import { fixedWidth, type Column, type RankingRequest, type Values } from '../tensors/index.js';

/** Candidates [start, end) of `req` as a request of its own. */
export function sliceRequest(req: RankingRequest, start: number, end: number): RankingRequest {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > req.candidates || start >= end) {
    throw new RangeError(`sliceRequest: expected 0 <= start < end <= ${req.candidates}, got [${start}, ${end})`);
  }
  const columns = new Map<string, Column>();
  for (const spec of req.schema.features) {
    const col = req.columns.get(spec.name);
    if (!col) throw new Error(`request has no column for feature "${spec.name}"`);
    if (spec.scope === 'context') {
      columns.set(spec.name, col);
      continue;
    }
    if (col.rowSplits) {
      const from = col.rowSplits[start]!;
      const to = col.rowSplits[end]!;
      const splits = new Int32Array(end - start + 1);
      for (let r = 0; r <= end - start; r++) splits[r] = col.rowSplits[start + r]! - from;
      columns.set(spec.name, { values: sliceValues(col.values, from, to), rowSplits: splits });
    } else {
      const w = fixedWidth(spec) ?? 1;
      columns.set(spec.name, { values: sliceValues(col.values, start * w, end * w) });
    }
  }
  return { schema: req.schema, candidates: end - start, columns };
}

/** Batches of at most `batchSize` candidates covering `req` in order (the last may be shorter). */
export function splitRequest(req: RankingRequest, batchSize: number): RankingRequest[] {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`splitRequest: expected a batch size >= 1, got ${batchSize}`);
  if (batchSize >= req.candidates) return [req];
  const out: RankingRequest[] = [];
  for (let s = 0; s < req.candidates; s += batchSize)
    out.push(sliceRequest(req, s, Math.min(req.candidates, s + batchSize)));
  return out;
}

function sliceValues(v: Values, from: number, to: number): Values {
  return v.slice(from, to);
}
