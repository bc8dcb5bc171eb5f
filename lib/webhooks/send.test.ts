/** One POST against a real HTTPS receiver: bounded, no redirects followed, plain reasons. */
import { pbkdf2 } from "node:crypto";
import tls from "node:tls";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNameServer } from "../testing/name-server";
import { RECEIVER_CA, startWebhookReceiver } from "../testing/webhook-receiver";
import { guardedLookup } from "./lookup";
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

describe("looking up the endpoint's host name", () => {
  it("asks DNS, checks the addresses it answers, and gives up on a name whose servers never answer", async () => {
    const dns = await startNameServer({ "hooks.customer.test": "127.0.0.1", "slow.customer.test": "hang", "v4only.customer.test": { a: "127.0.0.1", aaaa: "servfail" } });
    const receiver = await startWebhookReceiver();
    const lookup = guardedLookup({ servers: [dns.server], timeoutMs: 1000 });
    try {
      expect(await outcome(postSigned(receiver.url("hooks.customer.test"), headers, "{}", { ca: RECEIVER_CA, lookup }))).toBe(200);
      expect(await outcome(postSigned(receiver.url("missing.customer.test"), headers, "{}", { ca: RECEIVER_CA, lookup }))).toBe("The address's host name was not found.");
      // Its AAAA question fails; its A answer stands. (The certificate is not for this name: reaching the receiver is what counts.)
      expect(await outcome(postSigned(receiver.url("v4only.customer.test"), headers, "{}", { ca: RECEIVER_CA, lookup }))).toMatch(/TLS certificate was not accepted/);
      expect(await outcome(postSigned(receiver.url("slow.customer.test"), headers, "{}", { ca: RECEIVER_CA, lookup }))).toBe("The address's host name could not be looked up just now.");
      // The name resolves to loopback, which the operator no longer allows: refused at connect time.
      delete process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
      expect(await outcome(postSigned(receiver.url("hooks.customer.test"), headers, "{}", { ca: RECEIVER_CA, lookup }))).toMatch(/loopback or private network/);
      expect(receiver.received).toHaveLength(1);
      expect(dns.asked).toEqual(expect.arrayContaining(["hooks.customer.test", "missing.customer.test", "slow.customer.test"]));
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "127.0.0.1";
      await Promise.all([receiver.close(), dns.close()]);
    }
  });

  it("holds none of the threads file reads and password hashing share while names hang", async () => {
    // Node's dns.lookup would hold one of libuv's 4 pool threads per name for as long as the
    // system resolver tries: 6 names whose servers never answer left hashing waiting for them.
    const dns = await startNameServer({ "slow.customer.test": "hang" });
    const lookup = guardedLookup({ servers: [dns.server], timeoutMs: 3000 });
    const settled: string[] = [];
    try {
      const lookups = Array.from({ length: 6 }, () =>
        new Promise<void>((resolve) => lookup("slow.customer.test", { all: true }, () => resolve())).then(() => void settled.push("lookup")),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      await promisify(pbkdf2)("password", "salt", 1000, 32, "sha256");
      settled.push("hashing");
      await Promise.all(lookups);
      expect(settled[0]).toBe("hashing");
      expect(settled).toHaveLength(7);
    } finally {
      await dns.close();
    }
  });

  it("takes localhost as loopback without asking anyone, refused unless the operator allows loopback", async () => {
    const receiver = await startWebhookReceiver();
    const dns = await startNameServer({});
    const lookup = guardedLookup({ servers: [dns.server] });
    try {
      process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "127.0.0.1,::1";
      expect(await outcome(postSigned(receiver.url("localhost"), headers, "{}", { ca: RECEIVER_CA, lookup }))).toBe(200);
      process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "10.0.0.0/8";
      expect(await outcome(postSigned(receiver.url("localhost"), headers, "{}", { ca: RECEIVER_CA, lookup }))).toMatch(/loopback or private network/);
      expect(dns.asked).toEqual([]);
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "127.0.0.1";
      await Promise.all([receiver.close(), dns.close()]);
    }
  });
});
