// Privacy for runs on the user's data: text that comes back from a server or an encoder may
// quote the request it was about (TensorFlow's example parser echoes the serialized bytes, a
// range error names the value). Before such text goes into results it is reduced to its
// shape: quoted text that is not a known feature name, long numbers, decimals and long
// unbroken tokens are replaced. Best effort, on top of never recording values ourselves.

const MAX_CHARS = 300;

/** `text` with anything that may be a value replaced; `names` (feature and input names) are kept. */
export function redactDetails(text: string, names: Iterable<string>): string {
  const keep = new Set(names);
  let out = text
    // Quoted text: kept when it is exactly a known name.
    .replace(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g, (m, a: string | undefined, b: string | undefined) =>
      keep.has(a ?? b ?? '') ? m : m[0] === '"' ? '"…"' : "'…'",
    )
    // Long unbroken tokens (bytes, base64, escaped binary), unless a known name.
    .replace(/\S{33,}/g, (m) => (keep.has(m.replace(/^[^\w.-]+|[^\w.-]+$/g, '')) ? m : '…'))
    // Decimals and numbers of 5 or more digits (ids, prices); small counts and shapes stay.
    .replace(/(?<![\w.])-?(?:\d+\.\d+(?:[eE][-+]?\d+)?|\d{5,})(?![\w.])/g, '#');
  if (out.length > MAX_CHARS) out = `${out.slice(0, MAX_CHARS)}…`;
  return out;
}
