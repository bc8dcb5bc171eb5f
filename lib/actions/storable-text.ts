/**
 * PostgreSQL stores no NUL character (U+0000), in text or in JSON: an input holding one
 * failed deep in a write (a note, an audit entry's details) as a 500. Nor does its jsonb take
 * half a surrogate pair (a lone U+D800–U+DFFF, which JSON.parse and a server action's reply
 * both hand over as is, and JSON.stringify writes as "\ud800"): a token's name, an order's
 * cancel reason or a wizard's confirmation holding one failed in the audit entry or the draft
 * as a 500, and in a text column it was stored as U+FFFD, not as typed. Every action's and the
 * API's input is looked over for both first, and refused by field.
 */

const NUL = "\u0000";

export const NUL_REFUSED = "Remove the NUL character (U+0000): it cannot be stored.";
export const LONE_SURROGATE_REFUSED = "Remove the broken character (half of a UTF-16 surrogate pair): it cannot be stored.";

/** A high surrogate with no low one after it, or a low one with no high one before it (String.prototype.isWellFormed is ES2024). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What keeps a string out of PostgreSQL, or null when it can be stored as it is. */
function storageProblem(text: string): string | null {
  if (text.includes(NUL)) return NUL_REFUSED;
  if (LONE_SURROGATE.test(text)) return LONE_SURROGATE_REFUSED;
  return null;
}

/** Where a value sits in the input: its key, below its parent's place (kept as links, not copied per level). */
interface Place {
  key: string;
  parent: Place | null;
}

const pathOf = (place: Place | null): string => {
  const keys: string[] = [];
  for (let p = place; p; p = p.parent) keys.push(p.key);
  return keys.reverse().join(".") || "_form";
};

/**
 * The dotted paths of `raw`'s strings (and object keys) that cannot be stored (a NUL, a lone
 * surrogate), each with what is wrong, at most `limit`.
 * Walked with a stack of its own: a body nested thousands deep must not exhaust the call stack.
 */
export function unstorableStrings(raw: unknown, limit: number): [path: string, problem: string][] {
  const found: [string, string][] = [];
  const stack: { value: unknown; place: Place | null }[] = [{ value: raw, place: null }];
  while (stack.length > 0 && found.length < limit) {
    const { value, place } = stack.pop()!;
    if (typeof value === "string") {
      const problem = storageProblem(value);
      if (problem) found.push([pathOf(place), problem]);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, place: { key: String(i), parent: place } }));
    } else if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      for (const [key, item] of Object.entries(value)) {
        const problem = storageProblem(key);
        if (problem) found.push([pathOf(place), problem]);
        else stack.push({ value: item, place: { key, parent: place } });
      }
    }
  }
  return found;
}
