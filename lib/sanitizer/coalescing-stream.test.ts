import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { COALESCED_BYTES, CoalescingStream } from "./coalescing-stream";

/** The chunks that come out of a CoalescingStream given `sizes`, each chunk of its own byte. */
async function through(sizes: number[]) {
  const chunks = sizes.map((size, i) => Buffer.alloc(size, i % 256));
  const out: Buffer[] = [];
  const stream = Readable.from(chunks).pipe(new CoalescingStream());
  stream.on("data", (c: Buffer) => out.push(c));
  await buffer(stream).catch(() => undefined);
  return { chunks, out };
}

describe("CoalescingStream", () => {
  it("writes small chunks together, every byte in order, and the rest at the end", async () => {
    const { chunks, out } = await through(Array.from({ length: 40 }, () => 10_000));
    expect(Buffer.concat(out).equals(Buffer.concat(chunks))).toBe(true);
    // 128 KB is reached at the 14th chunk of 10,000 bytes.
    expect(COALESCED_BYTES).toBe(128 * 1024);
    expect(out.map((c) => c.length)).toEqual([140_000, 140_000, 120_000]);
  });

  it("passes a chunk as large as a write as it is, and an empty stream as nothing", async () => {
    const { chunks, out } = await through([COALESCED_BYTES * 2]);
    expect(out).toHaveLength(1);
    expect(out[0]).toBe(chunks[0]);
    expect((await through([])).out).toHaveLength(0);
  });
});
