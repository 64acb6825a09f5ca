// A fixed CPU-bound reference workload, timed in every child process next to the ops.
// The regression check compares each op as a multiple of it: a machine that is slower
// or busier (CPU steal on shared runners slows compute but hardly memcpy, so the memcpy
// floor does not cancel it) scales both alike. It must never change: it is the ruler.
// It parses 64 Ki varints of mixed length and sums them, then allocates, fills and reads
// back a fresh 2 MiB typed array: the decoders' mix of byte parsing and large allocations.
// (A cache-resident loop alone did not track the decoders when a neighbour contended for
// memory: decode times rose 50-90 % while it held still.)

const COUNT = 1 << 16;

function buildInput(): Uint8Array {
  const out = new Uint8Array(COUNT * 5);
  let p = 0;
  let s = 0x9e3779b9;
  for (let i = 0; i < COUNT; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    let v = s >>> (s & 31);
    while (v > 127) {
      out[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    out[p++] = v;
  }
  return out.subarray(0, p);
}

/** The timed function: returns its result so it cannot be optimised away. */
export function calibrationWorkload(): () => number {
  const buf = buildInput();
  const floats = new Float32Array(1024);
  return () => {
    let sum = 0;
    let p = 0;
    let k = 0;
    while (p < buf.length) {
      let v = 0;
      let shift = 0;
      let c: number;
      do {
        c = buf[p++]!;
        v |= (c & 127) << shift;
        shift += 7;
      } while (c >= 128);
      floats[k++ & 1023] = (v >>> 0) * 1e-6;
      sum = (sum + (v >>> 0)) % 4294967296;
    }
    let f = 0;
    for (let i = 0; i < floats.length; i++) f += floats[i]! * floats[(i * 7) & 1023]!;
    const big = new Float32Array(1 << 19);
    for (let i = 0; i < big.length; i++) big[i] = floats[i & 1023]! + i;
    const copy = big.slice();
    for (let i = 0; i < copy.length; i += 64) f += copy[i]!;
    return sum + f;
  };
}
