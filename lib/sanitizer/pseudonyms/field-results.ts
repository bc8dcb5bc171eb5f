/**
 * One column's results kept by the field's bytes, as COPY wrote them: the copy's
 * rewriting keeps each value's rewritten field (its bytes, ready to write), rule 18's
 * check its verdict. A column meets the same values again and again (3,000 first
 * names in 200,000 contacts, 65,000 subjects in 300,000 appointments), and a value met
 * again here costs a hash and a comparison of its bytes: no string is made, decoded,
 * looked up, encoded or left for the garbage collector. Kept as strings, the look-ups
 * alone were the largest cost of a pseudonymised copy after the work itself.
 *
 * The values are the customer's: whatever their number or size, a column's results
 * never take more than their budget (two generations: when the newer is full it
 * becomes the older, and the one before goes; a value found in the older is kept
 * again, so what is in use survives). A column whose values do not repeat (phone
 * numbers, message bodies) stops keeping them after a trial.
 */

import type { PersonalKind } from "./columns";

/**
 * The look-ups after which a column is judged. Enough for the repeats to show:
 * appointment subjects hit 26 % of their first 4,096 look-ups, 41 % of their first
 * 16,384, and 78 % of all 300,000.
 */
export const TRIAL_LOOKUPS = 16_384;
/** Below it, after the trial, a column's values are not kept: a miss costs a hash and a probe for nothing. */
const MIN_HIT_RATE = 0.3;
/** Longer fields (message bodies) are seldom the same twice. */
export const MAX_FIELD_BYTES = 480;
/** A column's budget: room for 65,000 subjects and their rewritten fields. */
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
/** A larger result is worked out again when met again (a short value rarely rewrites to that). */
const MAX_ENTRY_BYTES = 4 * MAX_FIELD_BYTES;
/** Per entry besides its bytes: a hash, where its bytes start, two lengths and a tag, and two slots. */
const ENTRY_BYTES = 5 * 4 + 2 * 4;
const FIRST_ENTRIES = 256;

/** One generation's entries, in typed arrays: an open-addressing table over a slab of bytes. */
class Generation {
  /** Entry + 1 per slot, 0 where empty; twice the entries, so probes stay short. */
  readonly slots: Int32Array;
  readonly hashes: Int32Array;
  readonly starts: Int32Array;
  readonly keyLengths: Int32Array;
  /** -1: the entry has no result bytes, only its tag. */
  readonly resultLengths: Int32Array;
  readonly tags: Int32Array;
  readonly bytes: Uint8Array;
  count = 0;
  used = 0;

  constructor(readonly capacity: number) {
    this.slots = new Int32Array(2 * capacity);
    this.hashes = new Int32Array(capacity);
    this.starts = new Int32Array(capacity);
    this.keyLengths = new Int32Array(capacity);
    this.resultLengths = new Int32Array(capacity);
    this.tags = new Int32Array(capacity);
    // As many bytes as an entry of average length 64 would take.
    this.bytes = new Uint8Array(64 * capacity);
  }

  get footprint(): number {
    return this.bytes.length + this.capacity * ENTRY_BYTES;
  }

  find(data: Uint8Array, start: number, end: number, hash: number): number {
    const mask = this.slots.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]! - 1;
      if (entry < 0) return -1;
      if (this.hashes[entry] !== hash || this.keyLengths[entry] !== length) continue;
      const bytes = this.bytes;
      let at = this.starts[entry]!;
      let i = start;
      while (i < end && bytes[at] === data[i]) {
        at++;
        i++;
      }
      if (i === end) return entry;
    }
  }

  fits(bytes: number): boolean {
    return this.count < this.capacity && this.used + bytes <= this.bytes.length;
  }

  /** A new entry (room checked with fits): the key's bytes, then the result's. */
  add(hash: number, key: Uint8Array, keyStart: number, keyEnd: number, tag: number, result: Uint8Array | undefined, resultStart: number, resultEnd: number): number {
    const entry = this.count++;
    this.hashes[entry] = hash;
    this.starts[entry] = this.used;
    this.keyLengths[entry] = keyEnd - keyStart;
    this.tags[entry] = tag;
    this.bytes.set(key.subarray(keyStart, keyEnd), this.used);
    this.used += keyEnd - keyStart;
    if (result) {
      this.bytes.set(result.subarray(resultStart, resultEnd), this.used);
      this.used += resultEnd - resultStart;
      this.resultLengths[entry] = resultEnd - resultStart;
    } else this.resultLengths[entry] = -1;
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = entry + 1;
    return entry;
  }

  /** Entry `entry` of this generation, given to `add` (another generation's, or the cache's newest). */
  passOn(entry: number, add: AddEntry): number {
    const start = this.starts[entry]!;
    const keyEnd = start + this.keyLengths[entry]!;
    const resultLength = this.resultLengths[entry]!;
    return add(this.hashes[entry]!, this.bytes, start, keyEnd, this.tags[entry]!, resultLength < 0 ? undefined : this.bytes, keyEnd, keyEnd + resultLength);
  }

  /** Every entry of `from` added to this one (room enough: it is larger). */
  takeAll(from: Generation): void {
    const add: AddEntry = (...entry) => this.add(...entry);
    for (let e = 0; e < from.count; e++) from.passOn(e, add);
  }
}

type AddEntry = Generation["add"];

/** FNV-1a over the field's bytes. */
function hashBytes(data: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ data[i]!, 0x01000193);
  return hash;
}

export class FieldResults {
  private current = new Generation(FIRST_ENTRIES);
  private older: Generation | undefined;
  private lookups = 0;
  private hits = 0;
  private keeping = true;

  constructor(private readonly maxBytes = DEFAULT_MAX_BYTES) {}

  /**
   * The entry kept for the field `data[start, end)`, or -1. An entry is read at once
   * (tag, resultLength, copyResult): the next find or keep may move it.
   */
  find(data: Uint8Array, start: number, end: number): number {
    if (!this.keeping || end - start > MAX_FIELD_BYTES) return -1;
    const hash = hashBytes(data, start, end);
    let entry = this.current.find(data, start, end, hash);
    if (entry < 0 && this.older) {
      const found = this.older.find(data, start, end, hash);
      // Kept again in the newest generation, so what is still in use outlives the next turn.
      if (found >= 0) entry = this.older.passOn(found, this.addToCurrent);
    }
    if (entry >= 0) this.hits++;
    if (++this.lookups === TRIAL_LOOKUPS && this.hits < MIN_HIT_RATE * TRIAL_LOOKUPS) {
      this.keeping = false;
      // Its memory goes: nothing is looked up or kept again.
      this.current = new Generation(0);
      this.older = undefined;
      return -1;
    }
    return entry;
  }

  tag(entry: number): number {
    return this.current.tags[entry]!;
  }

  /** The length of the entry's result bytes, -1 when it has none. */
  resultLength(entry: number): number {
    return this.current.resultLengths[entry]!;
  }

  /** The entry's result bytes onto `out` at `offset` (room there checked by the caller); their count. */
  copyResult(entry: number, out: Uint8Array, offset: number): number {
    const g = this.current;
    const length = g.resultLengths[entry]!;
    let from = g.starts[entry]! + g.keyLengths[entry]!;
    const bytes = g.bytes;
    for (let o = offset, end = offset + length; o < end; o++) out[o] = bytes[from++]!;
    return length;
  }

  /** Keeps the field's result: a tag, and the bytes `result[resultStart, resultEnd)` if given. */
  keep(data: Uint8Array, start: number, end: number, tag: number, result?: Uint8Array, resultStart = 0, resultEnd = 0): void {
    if (!this.keeping || end - start > MAX_FIELD_BYTES || (result && resultEnd - resultStart > MAX_ENTRY_BYTES)) return;
    this.add(hashBytes(data, start, end), data, start, end, tag, result, resultStart, resultEnd);
  }

  private readonly addToCurrent: AddEntry = (...entry) => this.add(...entry);

  private add(hash: number, key: Uint8Array, keyStart: number, keyEnd: number, tag: number, result: Uint8Array | undefined, resultStart: number, resultEnd: number): number {
    const size = keyEnd - keyStart + (result ? resultEnd - resultStart : 0);
    if (!this.current.fits(size)) this.makeRoom(size);
    return this.current.add(hash, key, keyStart, keyEnd, tag, result, resultStart, resultEnd);
  }

  /** A larger generation while both fit the budget; else a fresh one, the full one becoming the older. */
  private makeRoom(size: number): void {
    let capacity = this.current.capacity * 2;
    while (64 * capacity < size) capacity *= 2;
    const grown = new Generation(capacity);
    if (2 * grown.footprint <= this.maxBytes) {
      grown.takeAll(this.current);
      this.current = grown;
      return;
    }
    this.older = this.current;
    this.current = new Generation(this.older.capacity);
  }
}

/**
 * A column's kept results, for the kinds whose values repeat. Phone and org numbers
 * are all different and cost less to work out than to keep.
 */
export function fieldResultsFor(kind: PersonalKind): FieldResults | undefined {
  return kind === "phone" || kind === "org-number" ? undefined : new FieldResults();
}
