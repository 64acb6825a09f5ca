// JSON text as TF Serving's REST API reads it: RFC 8259 plus the non-finite number tokens
// `NaN`, `Infinity` and `-Infinity` (TF Serving parses with rapidjson's kParseNanAndInfFlag,
// which also takes `Inf`, `-Inf` and `-NaN`; `-NaN` reads as NaN).
//
// Fast path: JSON.parse, untouched. Only text JSON.parse refuses goes through the small
// recursive-descent parser below, which accepts those tokens outside strings and words
// every other error with its offset. A body without non-finite numbers therefore costs
// exactly what it did before; a body with them costs one failed JSON.parse plus this parser.

export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
}

const utf8 = new TextDecoder();
/** Containers nested deeper than this are refused (JSON.parse's own limit is the stack). */
export const MAX_JSON_DEPTH = 1000;

/** Parse UTF-8 JSON bytes the way TF Serving does. @throws JsonSyntaxError */
export function parseServingJson(bytes: Uint8Array): unknown {
  return parseServingJsonText(utf8.decode(bytes));
}

/** Parse JSON text the way TF Serving does. @throws JsonSyntaxError */
export function parseServingJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw new JsonSyntaxError(`JSON Parse error: ${(err as Error).message}`);
  }
  try {
    return new LenientParser(text).document();
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw err;
    throw new JsonSyntaxError(`JSON Parse error: ${(err as Error).message}`);
  }
}

const C_QUOTE = 0x22;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const C_MINUS = 0x2d;

class LenientParser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  document(): unknown {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.pos < this.s.length) this.fail('unexpected text after the JSON value');
    return v;
  }

  private fail(what: string): never {
    const near = JSON.stringify(this.s.slice(this.pos, this.pos + 12));
    throw new JsonSyntaxError(`JSON Parse error: ${what} at offset ${this.pos} (near ${near})`);
  }

  private ws(): void {
    const s = this.s;
    let p = this.pos;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  private value(): unknown {
    const c = this.s.charCodeAt(this.pos);
    if (c === C_QUOTE) return this.string();
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === C_MINUS || (c >= 0x30 && c <= 0x39) || c === 0x4e || c === 0x49) return this.number();
    if (this.word('true')) return true;
    if (this.word('false')) return false;
    if (this.word('null')) return null;
    return this.fail(Number.isNaN(c) ? 'unexpected end of JSON' : 'invalid value');
  }

  private word(w: string): boolean {
    if (!this.s.startsWith(w, this.pos)) return false;
    this.pos += w.length;
    return true;
  }

  private enter(): void {
    if (++this.depth > MAX_JSON_DEPTH) this.fail(`nesting deeper than ${MAX_JSON_DEPTH}`);
  }

  private object(): Record<string, unknown> {
    this.enter();
    this.pos++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.s.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      if (this.s.charCodeAt(this.pos) !== C_QUOTE) this.fail('expected a string key');
      const key = this.string();
      this.ws();
      if (this.s.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':' after a key");
      this.pos++;
      this.ws();
      const v = this.value();
      // An own data property even for "__proto__", as JSON.parse makes it.
      if (key === '__proto__')
        Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      else out[key] = v;
      this.ws();
      const c = this.s.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x2c) {
        this.ws();
        continue;
      }
      if (c === 0x7d) break;
      this.pos--;
      this.fail("expected ',' or '}' in an object");
    }
    this.depth--;
    return out;
  }

  private array(): unknown[] {
    this.enter();
    this.pos++;
    const out: unknown[] = [];
    this.ws();
    if (this.s.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x2c) {
        this.ws();
        continue;
      }
      if (c === 0x5d) break;
      this.pos--;
      this.fail("expected ',' or ']' in an array");
    }
    this.depth--;
    return out;
  }

  private number(): number {
    const s = this.s;
    const start = this.pos;
    let p = start;
    const neg = s.charCodeAt(p) === C_MINUS;
    if (neg) p++;
    const c = s.charCodeAt(p);
    if (c === 0x4e || c === 0x49) {
      this.pos = p;
      if (this.word('NaN')) return NaN;
      if (this.word('Infinity') || this.word('Inf')) {
        // rapidjson: "Inf" followed by "i" must spell "Infinity".
        if (s.charCodeAt(this.pos) === 0x69) this.fail('invalid value');
        return neg ? -Infinity : Infinity;
      }
      return this.fail('invalid value');
    }
    // RFC 8259 number: int [frac] [exp], no leading zeros. Digits are accumulated on the way
    // so that the common short number needs no substring (Clinger's fast path below).
    let m = 0;
    let digits = 0;
    let scale = 0;
    if (c === 0x30) p++;
    else if (c >= 0x31 && c <= 0x39) {
      for (let d = s.charCodeAt(p); isDigit(d); d = s.charCodeAt(++p)) {
        m = m * 10 + (d - 0x30);
        digits++;
      }
    } else {
      this.pos = p;
      this.fail('invalid number');
    }
    if (s.charCodeAt(p) === 0x2e) {
      p++;
      if (!isDigit(s.charCodeAt(p))) {
        this.pos = p;
        this.fail('expected a digit after the decimal point');
      }
      for (let d = s.charCodeAt(p); isDigit(d); d = s.charCodeAt(++p)) {
        m = m * 10 + (d - 0x30);
        if (m !== 0) digits++;
        scale--;
      }
    }
    let exp = 0;
    let expNeg = false;
    const e = s.charCodeAt(p);
    if (e === 0x65 || e === 0x45) {
      p++;
      const sign = s.charCodeAt(p);
      if (sign === 0x2b || sign === C_MINUS) {
        expNeg = sign === C_MINUS;
        p++;
      }
      if (!isDigit(s.charCodeAt(p))) {
        this.pos = p;
        this.fail('expected a digit in the exponent');
      }
      for (let d = s.charCodeAt(p); isDigit(d); d = s.charCodeAt(++p)) if (exp < 100_000) exp = exp * 10 + (d - 0x30);
    }
    this.pos = p;
    const k = scale + (expNeg ? -exp : exp);
    // m < 2^53 exactly and 10^|k| exact (|k| <= 22): one correctly rounded multiply or divide.
    if (digits <= 15 && k >= -22 && k <= 22) {
      const v = k < 0 ? m / POW10[-k]! : m * POW10[k]!;
      return neg ? -v : v;
    }
    return Number(s.slice(start, p));
  }

  private string(): string {
    const s = this.s;
    const start = ++this.pos;
    let p = start;
    // Fast scan: no escapes, no control characters.
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === C_QUOTE) {
        this.pos = p + 1;
        return s.slice(start, p);
      }
      if (c === 0x5c || c < 0x20 || Number.isNaN(c)) break;
      p++;
    }
    // Slow path: find the closing quote, then let JSON.parse unescape exactly.
    for (;;) {
      const c = s.charCodeAt(p);
      if (Number.isNaN(c)) {
        this.pos = p;
        this.fail('unterminated string');
      }
      if (c < 0x20) {
        this.pos = p;
        this.fail('control character in a string');
      }
      if (c === 0x5c) p += 2;
      else if (c === C_QUOTE) break;
      else p++;
    }
    try {
      const v = JSON.parse(s.slice(start - 1, p + 1)) as string;
      this.pos = p + 1;
      return v;
    } catch {
      this.pos = start - 1;
      return this.fail('invalid escape in a string');
    }
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
