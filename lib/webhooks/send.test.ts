/** One POST against a real HTTPS receiver: bounded, no redirects followed, plain reasons. */
import tls from "node:tls";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECEIVER_CA, startWebhookReceiver } from "../testing/webhook-receiver";
import { DeliveryFailed, postSigned, trustedAuthorities } from "./send";

const headers = { "content-type": "application/json" };
let previous: string | undefined;
beforeAll(() => {
  previous = process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "127.0.0.1";
});
afterAll(() => {
  if (previous === undefined) delete process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
  else process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = previous;
});

async function outcome(promise: Promise<number>): Promise<number | string> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof DeliveryFailed) return error.reason;
    throw error;
  }
}

describe("posting one event", () => {
  it("gives up on a receiver that never answers, does not follow redirects, and takes any 2xx however long its answer", async () => {
    const receiver = await startWebhookReceiver(["hang", 302, 299]);
    try {
      const started = Date.now();
      expect(await outcome(postSigned(receiver.url(), headers, "{}", { ca: RECEIVER_CA, timeoutMs: 1000 }))).toBe("The endpoint did not answer within 1 second.");
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await outcome(postSigned(receiver.url(), headers, "{}", { ca: RECEIVER_CA }))).toBe("The endpoint answered HTTP 302 (a redirect, which is not followed).");
      expect(receiver.received).toHaveLength(2);
      expect(await outcome(postSigned(receiver.url(), headers, "{}", { ca: RECEIVER_CA }))).toBe(299);
    } finally {
      await receiver.close();
    }
  });

  it("trusts the authorities it trusted before when extra ones are configured (WEBHOOK_CA_FILE adds, never replaces)", async () => {
    // The receiver's authority trusted the way the system's are (NODE_EXTRA_CA_CERTS); another one configured as extra.
    const previousExtra = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = fileURLToPath(new URL("../testing/tls/receiver.crt", import.meta.url));
    const receiver = await startWebhookReceiver();
    try {
      expect(await outcome(postSigned(receiver.url(), headers, "{}", { ca: tls.rootCertificates[0]! }))).toBe(200);
      expect(trustedAuthorities(RECEIVER_CA)).toEqual(expect.arrayContaining([...tls.rootCertificates, RECEIVER_CA]));
    } finally {
      if (previousExtra === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = previousExtra;
      await receiver.close();
    }
  });

  it("refuses a certificate it cannot trust, and an address it may not reach, without naming the portal's side", async () => {
    const receiver = await startWebhookReceiver();
    try {
      expect(await outcome(postSigned(receiver.url(), headers, "{}"))).toMatch(/^The endpoint's TLS certificate was not accepted \(\w+\)\.$/);
      delete process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
      expect(await outcome(postSigned(receiver.url(), headers, "{}", { ca: RECEIVER_CA }))).toMatch(/loopback or private network/);
      expect(receiver.received).toHaveLength(0);
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "127.0.0.1";
      await receiver.close();
    }
  });
});
