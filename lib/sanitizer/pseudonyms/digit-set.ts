/**
 * A set of digit strings: production's phone and org numbers, hundreds of thousands
 * of them, looked up for every phone number a copy writes and every one its check
 * reads. Each number is kept as a float (a 1, then its digits, so leading zeros
 * count) in one open-addressed array: a look-up is a few reads of one array, where a
 * Set of strings chased a string per probe across the heap (about 2 µs a look-up, and
 * most of a pseudonymised copy's time on phone numbers), and takes an eighth of the memory.
 */

/** Numbers longer than this do not fit a float exactly: they are kept as strings. */
const MAX_PACKED_DIGITS = 15;
const EMPTY = 0;
const ZERO = 48;
const TWO_TO_32 = 0x100000000;

export class DigitSet {
  private slots: Float64Array;
  private packed = 0;
  private readonly long = new Set<string>();

  /** `expected`: about how many numbers it will hold, made room for at once (growing rehashes every number). */
  constructor(expected = 0) {
    let slots = 16;
    while (slots < 2 * expected) slots *= 2;
    this.slots = new Float64Array(slots);
  }

  add(digits: string): void {
    const key = pack(digits);
    if (key === undefined) this.long.add(digits);
    else this.addKey(key);
  }

  /**
   * The digits of `value` from `start` on, the other characters skipped, as one number:
   * add(digitsOf(value.slice(start))) without the strings (a run adds hundreds of
   * thousands of phone numbers). Nothing when there are fewer than `minDigits`.
   */
  addDigitsOf(value: string, start: number, minDigits: number): void {
    const key = packDigitsOf(value, start);
    // A packed key of n digits lies in [10^n, 2 × 10^n): below 10^minDigits, it has fewer.
    if (key < 0 ? -key < minDigits : key < 10 ** minDigits) return;
    if (key < 0) this.long.add(digitsFrom(value, start));
    else this.addKey(key);
  }

  /** has(digitsOf(value.slice(start))), without the strings: a check looks up every phone number it reads. */
  hasDigitsOf(value: string, start: number): boolean {
    const key = packDigitsOf(value, start);
    return key < 0 ? this.long.has(digitsFrom(value, start)) : this.hasKey(key);
  }

  has(digits: string): boolean {
    const key = pack(digits);
    return key === undefined ? this.long.has(digits) : this.hasKey(key);
  }

  private addKey(key: number): void {
    if ((this.packed + 1) * 2 > this.slots.length) this.grow();
    if (insert(this.slots, key)) this.packed++;
  }

  private hasKey(key: number): boolean {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let slot = slotOf(key, mask); ; slot = (slot + 1) & mask) {
      const held = slots[slot]!;
      if (held === key) return true;
      if (held === EMPTY) return false;
    }
  }

  get size(): number {
    return this.packed + this.long.size;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    // Indexed: an iterator over a million slots cost more than the inserts.
    for (let i = 0; i < old.length; i++) if (old[i] !== EMPTY) insert(this.slots, old[i]!);
  }
}

/** A string of ASCII digits as a 1 followed by them, or undefined for one too long (or not all digits). */
function pack(digits: string): number | undefined {
  if (digits.length > MAX_PACKED_DIGITS) return undefined;
  let key = 1;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return undefined;
    key = key * 10 + d;
  }
  return key;
}

/**
 * The digits of `value` from `start` on, the other characters skipped, packed as pack()
 * packs them; minus their count when they are too many to pack.
 */
function packDigitsOf(value: string, start: number): number {
  let key = 1;
  let count = 0;
  for (let i = start; i < value.length; i++) {
    const d = value.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) continue;
    key = key * 10 + d;
    count++;
  }
  return count > MAX_PACKED_DIGITS ? -count : key;
}

/** The digits of `value` from `start` on, as a string: for numbers too long to pack. */
const digitsFrom = (value: string, start: number) => value.slice(start).replace(/\D/g, "");

/** Whether `key` was new. */
function insert(slots: Float64Array, key: number): boolean {
  const mask = slots.length - 1;
  for (let slot = slotOf(key, mask); ; slot = (slot + 1) & mask) {
    const held = slots[slot]!;
    if (held === key) return false;
    if (held === EMPTY) {
      slots[slot] = key;
      return true;
    }
  }
}

/** Both 32-bit halves of the key, mixed. */
function slotOf(key: number, mask: number): number {
  const low = key % TWO_TO_32;
  const high = (key - low) / TWO_TO_32;
  let h = Math.imul(low | 0, 0x9e3779b1) ^ Math.imul(high | 0, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h & mask;
}
