/**
 * Results kept per value, within a fixed memory budget. A copy meets the same
 * values again and again (an appointment subject, a city, a company's e-mail domain:
 * a few thousand distinct ones in hundreds of thousands of rows), and every result here
 * is a pure function of its value, so a result forgotten is only worked out again. The
 * values are the customer's: however many or long they are, the cache never holds more
 * than its budget in bytes (when full, it forgets what was not used lately).
 */
/** What an entry costs besides its characters: two string headers and the map's slot (V8, 64-bit). */
const ENTRY_BYTES = 96;

export class BoundedCache {
  private values = new Map<string, string>();
  private older: Map<string, string> | undefined;
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string, make: (key: string) => string): string {
    let value = this.values.get(key);
    if (value === undefined && this.older) {
      // From the generation before: kept again, so what is still in use outlives the next turn.
      value = this.older.get(key);
      if (value !== undefined) this.keep(key, value);
    }
    if (value !== undefined) return value;
    value = make(key);
    this.keep(key, value);
    return value;
  }

  /**
   * Half the budget per generation: a full one becomes the older, and the one before it
   * goes. Clearing everything at once lost the values in use with the rest (a column of
   * 65,000 subjects in 16 MB, in an 8 MB cache, was slower than none).
   */
  private keep(key: string, value: string): void {
    // At most two bytes a character.
    const size = ENTRY_BYTES + 2 * (key.length + value.length);
    if (size * 2 > this.maxBytes) return;
    if (this.bytes + size > this.maxBytes / 2) {
      this.older = this.values;
      this.values = new Map();
      this.bytes = 0;
    }
    const kept = detach(key);
    this.values.set(kept, value === key ? kept : detach(value));
    this.bytes += size;
  }
}

/**
 * A string that holds its own characters. A value cut from a COPY chunk is a slice that
 * keeps the whole chunk (64 KB) alive while it is kept; V8 copies slices shorter than 13
 * characters, and flattens a concatenation before slicing it.
 */
const detach = (s: string) => (s.length < 13 ? s : ` ${s}`.slice(1));
