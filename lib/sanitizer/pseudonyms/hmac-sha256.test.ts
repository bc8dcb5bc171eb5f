import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HmacSha256 } from "./hmac-sha256";

describe("HmacSha256", () => {
  it("gives node:crypto's HMAC-SHA256, for keys and messages of every length around the block edges", () => {
    const keys = ["", "k", "bench-pseudonym-secret", "x".repeat(64), "y".repeat(65), randomBytes(48).toString("base64url"), "nøkkel ✓"];
    const lengths = [0, 1, 31, 32, 54, 55, 56, 57, 63, 64, 65, 119, 120, 200, 1000];
    for (const key of keys) {
      const hmac = new HmacSha256(key);
      for (const length of lengths) {
        const message = randomBytes(length).toString("latin1").slice(0, length);
        expect(hmac.digest(message).toString("hex"), `key ${key.length}, message ${length}`).toBe(createHmac("sha256", key).update(message, "utf8").digest("hex"));
      }
      // Multi-byte characters, and a message after a longer one (the scratch buffer is reused).
      for (const message of ["company\u00000\u0000sæther karlsen as", "phone\u00003\u000022334455", "名前😀"]) {
        expect(hmac.digest(message).toString("hex")).toBe(createHmac("sha256", key).update(message, "utf8").digest("hex"));
      }
    }
  });

  it("matches RFC 4231's test case 2", () => {
    expect(new HmacSha256("Jefe").digest("what do ya want for nothing?").toString("hex")).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  });
});
