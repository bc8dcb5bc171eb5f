import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newSigningSecret, signatureHeader, signedHeaders } from "./signing";

describe("Standard Webhooks signing", () => {
  it("matches the specification's published example", () => {
    // standard-webhooks/standard-webhooks, spec and every reference library's tests.
    expect(signatureHeader("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')).toBe(
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    );
  });

  it("signs each attempt with its own timestamp over the exact body, with a fresh 32-byte secret per endpoint", () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(newSigningSecret()).not.toBe(secret);
    const body = '{"type":"sandbox.ready"}';
    const headers = signedHeaders(secret, "msg_1", body, new Date("2026-12-01T10:00:00Z"));
    expect(headers["webhook-id"]).toBe("msg_1");
    expect(headers["webhook-timestamp"]).toBe("1796119200");
    // What a receiver computes from the secret it was shown.
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key).update(`msg_1.1796119200.${body}`).digest("base64");
    expect(headers["webhook-signature"]).toBe(`v1,${expected}`);
    expect(signedHeaders(secret, "msg_1", body + " ", new Date("2026-12-01T10:00:00Z"))["webhook-signature"]).not.toBe(`v1,${expected}`);
  });
});
