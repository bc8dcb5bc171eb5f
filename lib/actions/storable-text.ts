/**
 * PostgreSQL stores no NUL character (U+0000), in text or in JSON: an input holding one
 * failed deep in a write (a note, an audit entry's details) as a 500. Every action's and
 * the API's input is looked over for it first, and refused by field.
 */

const NUL = "\u0000";

export const NUL_REFUSED = "Remove the NUL character (U+0000): it cannot be stored.";

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
 * The dotted paths of `raw`'s strings (and object keys) that hold a NUL, at most `limit`.
 * Walked with a stack of its own: a body nested thousands deep must not exhaust the call stack.
 */
export function pathsHoldingNul(raw: unknown, limit: number): string[] {
  const found: string[] = [];
  const stack: { value: unknown; place: Place | null }[] = [{ value: raw, place: null }];
  while (stack.length > 0 && found.length < limit) {
    const { value, place } = stack.pop()!;
    if (typeof value === "string") {
      if (value.includes(NUL)) found.push(pathOf(place));
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, place: { key: String(i), parent: place } }));
    } else if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes(NUL)) found.push(pathOf(place));
        else stack.push({ value: item, place: { key, parent: place } });
      }
    }
  }
  return found;
}
