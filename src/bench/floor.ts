// The memcpy floor: copying N bytes into a preallocated buffer is the least any operation that
// reads or writes an N-byte payload can cost, so every op is reported as a multiple of it.
// Measured in the same child process, right next to the ops it normalises.

/** A timed function that copies `source` into a buffer allocated once, and returns the buffer. */
export function memcpyFloor(source: Uint8Array): () => Uint8Array {
  const src = new Uint8Array(source); // own copy: the source buffer may be a view into a larger one
  const dst = new Uint8Array(src.length);
  return () => {
    dst.set(src);
    return dst;
  };
}
