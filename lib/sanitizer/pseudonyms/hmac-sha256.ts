/**
 * HMAC-SHA256 (RFC 2104 over FIPS 180-4) under one key, with the key's two padded
 * blocks hashed once. The digests are node:crypto's createHmac's, byte for byte (the
 * test compares them); what differs is the cost: rule 18 keys hundreds of thousands
 * of short messages per copy (a kind, an attempt, one production value), and
 * createHmac spends most of its ~3.6 µs setting up a context and crossing into C++,
 * not hashing the two blocks a short message takes.
 */
import { createHash } from "node:crypto";

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
  0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INITIAL = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const BLOCK = 64;
/** Longer messages are encoded natively. */
const ASCII_COPY_MAX = 64;

export class HmacSha256 {
  /** The hash state after the key's inner (0x36) and outer (0x5c) blocks. */
  private readonly inner: Int32Array;
  private readonly outer: Int32Array;
  private readonly schedule = new Int32Array(64);
  private buffer = Buffer.alloc(4 * BLOCK);

  constructor(key: string) {
    let bytes: Uint8Array = Buffer.from(key, "utf8");
    if (bytes.length > BLOCK) bytes = createHash("sha256").update(bytes).digest();
    const pad = (byte: number) => Uint8Array.from({ length: BLOCK }, (_v, i) => (bytes[i] ?? 0) ^ byte);
    this.inner = INITIAL.slice();
    this.compress(this.inner, pad(0x36), 0);
    this.outer = INITIAL.slice();
    this.compress(this.outer, pad(0x5c), 0);
  }

  /** The HMAC of the UTF-8 bytes of `message`. */
  digest(message: string): Buffer {
    const length = this.writeMessage(message);
    const padded = this.padded(length);
    const innerState = this.hashPadded(this.inner, padded, length);
    const innerDigest = this.padded(32);
    writeState(innerState, innerDigest);
    const out = Buffer.allocUnsafe(32);
    writeState(this.hashPadded(this.outer, innerDigest, 32), out);
    return out;
  }

  /**
   * The message's UTF-8 bytes into the scratch buffer; their count. Most messages are
   * short and ASCII (a kind, an attempt, a phone number's digits): copied a character
   * at a time, they cost less than measuring and encoding them in C++.
   */
  private writeMessage(message: string): number {
    // Room for the padding too, so padded() never trades the buffer for a new one after this.
    if (message.length <= ASCII_COPY_MAX && message.length + 9 + BLOCK <= this.buffer.length) {
      const buffer = this.buffer;
      let i = 0;
      for (; i < message.length; i++) {
        const c = message.charCodeAt(i);
        if (c >= 0x80) break;
        buffer[i] = c;
      }
      if (i === message.length) return i;
    }
    const length = Buffer.byteLength(message, "utf8");
    if (this.buffer.length < length + 9 + BLOCK) this.buffer = Buffer.alloc((length + 9 + BLOCK) * 2);
    this.buffer.write(message, 0, "utf8");
    return length;
  }

  /** The scratch buffer sized for `length` message bytes plus SHA-256's padding, zeroed after the message. */
  private padded(length: number): Uint8Array {
    const size = Math.ceil((length + 9) / BLOCK) * BLOCK;
    if (this.buffer.length < size) this.buffer = Buffer.alloc(size * 2);
    const view = this.buffer.subarray(0, size);
    view.fill(0, length);
    return view;
  }

  /** Finishes a hash whose state has taken the key's block: the message is in `padded`, its padding is added here. */
  private hashPadded(start: Int32Array, padded: Uint8Array, length: number): Int32Array {
    const state = start.slice();
    padded[length] = 0x80;
    // The message's length in bits, counting the key's block; a copy's messages stay far below 2^32 bits.
    const bits = (length + BLOCK) * 8;
    const end = padded.length;
    padded[end - 4] = bits >>> 24;
    padded[end - 3] = bits >>> 16;
    padded[end - 2] = bits >>> 8;
    padded[end - 1] = bits;
    for (let offset = 0; offset < end; offset += BLOCK) this.compress(state, padded, offset);
    return state;
  }

  private compress(state: Int32Array, data: Uint8Array, offset: number): void {
    const w = this.schedule;
    for (let i = 0; i < 16; i++) {
      const j = offset + i * 4;
      w[i] = (data[j]! << 24) | (data[j + 1]! << 16) | (data[j + 2]! << 8) | data[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let a = state[0]!;
    let b = state[1]!;
    let c = state[2]!;
    let d = state[3]!;
    let e = state[4]!;
    let f = state[5]!;
    let g = state[6]!;
    let h = state[7]!;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    state[0] = (state[0]! + a) | 0;
    state[1] = (state[1]! + b) | 0;
    state[2] = (state[2]! + c) | 0;
    state[3] = (state[3]! + d) | 0;
    state[4] = (state[4]! + e) | 0;
    state[5] = (state[5]! + f) | 0;
    state[6] = (state[6]! + g) | 0;
    state[7] = (state[7]! + h) | 0;
  }
}

/** A hash state's eight words, big-endian, into the first 32 bytes of `out`. */
function writeState(state: Int32Array, out: Uint8Array): void {
  for (let i = 0; i < 8; i++) {
    const word = state[i]!;
    out[i * 4] = word >>> 24;
    out[i * 4 + 1] = word >>> 16;
    out[i * 4 + 2] = word >>> 8;
    out[i * 4 + 3] = word;
  }
}
