/**
 * Results kept per value, within a fixed memory budget. A copy meets the same
 * values again and again (an appointment subject, a city, a company's e-mail domain:
 * a few thousand distinct ones in hundreds of thousands of rows), and every result here
 * is a pure function of its value, so a result forgotten is only worked out again. The
 * values are the customer's: however many or long they are, the cache never holds more
 * than its budget in bytes (when full, it forgets what was not used lately).
 */
import type { PersonalKind } from "./columns";

/** What an entry costs besides its characters: two string headers and the map's slot (V8, 64-bit). */
const ENTRY_BYTES = 96;

/**
 * The look-ups after which a cache that must earn its keep is judged. Enough for the
 * repeats to show: appointment subjects hit 26 % of their first 4,096 look-ups, 41 % of
 * their first 16,384, and 78 % of all 300,000.
 */
export const TRIAL_LOOKUPS = 16_384;

export class BoundedCache {
  private values = new Map<string, string>();
  private older: Map<string, string> | undefined;
  private bytes = 0;
  private lookups = 0;
  private hits = 0;
  private keeping = true;

  /**
   * `minHitRate`: below it, after a trial, the cache stops keeping values. A look-up that
   * misses costs about as much as working out a short text's result (sale titles are all
   * different), so a cache of cheap results must be hit often to pay.
   */
  constructor(
    private readonly maxBytes: number,
    private readonly minHitRate = 0,
  ) {}

  get(key: string, make: (key: string) => string): string {
    if (!this.keeping) return make(key);
    let value = this.values.get(key);
    if (value === undefined && this.older) {
      // From the generation before: kept again, so what is still in use outlives the next turn.
      value = this.older.get(key);
      if (value !== undefined) this.keep(key, value);
    }
    if (value !== undefined) this.hits++;
    if (++this.lookups === TRIAL_LOOKUPS && this.hits < this.minHitRate * TRIAL_LOOKUPS) {
      this.keeping = false;
      this.values.clear();
      this.older = undefined;
    }
    if (value !== undefined) return value;
    value = make(key);
    if (this.keeping) this.keep(key, value);
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

/** Longer values (message bodies) are seldom the same twice. */
const MAX_REPEATED_LENGTH = 160;
/** Room for 65,000 subjects: with half of that, clearing and refilling cost more than the look-ups saved. */
const REPEATED_BYTES = 16 * 1024 * 1024;
/** Where a miss costs about what it would save (a short text scrubbed or checked, about 1 µs). */
const REPEATED_MIN_HIT_RATE = 0.3;

/**
 * A column's cache of results for its short free text and e-mail addresses, the values
 * that repeat in some columns (subjects, cities, senders) and are worked out in
 * microseconds: for the copy's rewriting and for the check alike. Undefined for the
 * other kinds.
 */
export function repeatedValues(kind: PersonalKind): { cache: BoundedCache; maxLength: number } | undefined {
  return kind === "free-text" || kind === "email" ? { cache: new BoundedCache(REPEATED_BYTES, REPEATED_MIN_HIT_RATE), maxLength: MAX_REPEATED_LENGTH } : undefined;
}

/** `work` on one column's values, through that column's cache when its kind repeats (repeatedValues). */
export function perColumn(kind: PersonalKind, work: (value: string) => string): (value: string) => string {
  const repeated = repeatedValues(kind);
  if (!repeated) return work;
  return (value) => (value.length <= repeated.maxLength ? repeated.cache.get(value, work) : work(value));
}
