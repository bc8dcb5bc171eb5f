/**
 * PostgreSQL's COPY text format, one field at a time: fields are tab-separated,
 * rows end with a newline, `\N` is NULL, and a backslash escapes the tab, newline,
 * carriage return and backslash (plus \b \f \v, and octal or hex bytes on input).
 * Reading many rows this way (copy-rows.ts) costs a fraction of the driver's rows, an
 * object each.
 */

const DECODE: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

/** A backslash and the character it escapes. */
const ESCAPE = /\\([^])/g;
/** Octal or hex bytes: PostgreSQL never writes them, but COPY text may hold them (a byte of a multi-byte character each). */
const BYTE_ESCAPE = /\\(?:[0-7]|x[0-9a-fA-F])/;

/** A field's text as the value it stands for (never called for `\N`). */
export function decodeField(field: string): string {
  if (!field.includes("\\")) return field;
  // One native pass for what PostgreSQL writes (\n, \t, \\, …); bytes need decoding together, below.
  if (!BYTE_ESCAPE.test(field)) return field.replace(ESCAPE, (_m, c: string) => DECODE[c] ?? c);
  return decodeBytes(field);
}

/** The slow way, character by character: runs of escaped bytes are decoded as UTF-8 together. */
function decodeBytes(field: string): string {
  let out = "";
  const bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length) out += Buffer.from(bytes).toString("utf8");
    bytes.length = 0;
  };
  for (let i = 0; i < field.length; i++) {
    const c = field[i]!;
    if (c !== "\\" || i === field.length - 1) {
      flushBytes();
      out += c;
      continue;
    }
    const next = field[++i]!;
    const octal = /^[0-7]{1,3}/.exec(field.slice(i, i + 3))?.[0];
    const hex = next === "x" ? /^[0-9a-fA-F]{1,2}/.exec(field.slice(i + 1, i + 3))?.[0] : undefined;
    if (octal) {
      bytes.push(parseInt(octal, 8) & 0xff);
      i += octal.length - 1;
    } else if (hex) {
      bytes.push(parseInt(hex, 16));
      i += hex.length;
    } else {
      flushBytes();
      out += DECODE[next] ?? next;
    }
  }
  flushBytes();
  return out;
}

/** A value as a COPY text field. */
export function encodeField(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}
