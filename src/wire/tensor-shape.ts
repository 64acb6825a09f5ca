// Checks a decoded tensor shape and counts its elements, refusing negative dimensions and
// shapes too large to allocate (what TF Serving answers "tensor parsing error" to).
import { DecodeError } from './proto-reader.js';

const shapeText = (s: readonly number[]): string => `[${s.join(',')}]`;

/** Number of elements a shape holds; throws on a negative or absurd dimension. */
export function elementCount(name: string, shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0)
      throw new DecodeError(`tensor parsing error: ${name} (dimension ${d} in shape ${shapeText(shape)})`);
    n *= d;
  }
  if (n > 2 ** 31)
    throw new DecodeError(`tensor parsing error: ${name} (shape ${shapeText(shape)} holds ${n} elements)`);
  return n;
}

/** Elements of a shape an encoder was handed (built by the caller, so not checked): the product of its dimensions. */
export function shapeProduct(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
