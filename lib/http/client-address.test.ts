import { describe, expect, it } from "vitest";
import { cameThroughTrustedProxy, parseProxyTrust, resolveClientAddress, unnamedProxyWarning } from "./client-address";

describe("the client address behind proxies", () => {
  const none = parseProxyTrust(undefined, undefined);

  it("ignores X-Forwarded-For when no proxy is configured: an attacker cannot rotate it or name a victim", () => {
    expect(resolveClientAddress("198.51.100.9", "203.0.113.1", none)).toBe("198.51.100.9");
    expect(resolveClientAddress("198.51.100.9", "10.0.0.5, 203.0.113.1", none)).toBe("198.51.100.9");
    expect(resolveClientAddress("::ffff:198.51.100.9", undefined, none)).toBe("198.51.100.9");
    expect(cameThroughTrustedProxy("198.51.100.9", none)).toBe(false);
  });

  it("believes only the entries its own proxies appended (TRUSTED_PROXIES)", () => {
    const trust = parseProxyTrust("10.0.0.0/8, ::1", undefined);
    // Load balancer 10.0.0.2 received the request from 203.0.113.1, which claimed to forward for 192.0.2.66.
    expect(resolveClientAddress("10.0.0.2", "192.0.2.66, 203.0.113.1", trust)).toBe("203.0.113.1");
    expect(resolveClientAddress("10.0.0.2", "192.0.2.66, 203.0.113.1, 10.1.1.1", trust)).toBe("203.0.113.1");
    expect(resolveClientAddress("::1", "203.0.113.1", trust)).toBe("203.0.113.1");
    // A direct connection from outside the proxies is the client itself.
    expect(resolveClientAddress("203.0.113.50", "192.0.2.66", trust)).toBe("203.0.113.50");
    // Garbage in the header is skipped, not taken as an address.
    expect(resolveClientAddress("10.0.0.2", "not-an-ip, 203.0.113.1", trust)).toBe("203.0.113.1");
    expect(cameThroughTrustedProxy("10.0.0.2", trust)).toBe(true);
    expect(cameThroughTrustedProxy("203.0.113.50", trust)).toBe(false);
  });

  it("counts hops when the proxies' addresses are not known (TRUSTED_PROXY_HOPS)", () => {
    const oneHop = parseProxyTrust(undefined, 1);
    expect(resolveClientAddress("172.16.0.1", "192.0.2.66, 203.0.113.1", oneHop)).toBe("203.0.113.1");
    expect(resolveClientAddress("172.16.0.1", undefined, oneHop)).toBe("172.16.0.1");
    const twoHops = parseProxyTrust(undefined, 2);
    expect(resolveClientAddress("172.16.0.1", "192.0.2.66, 203.0.113.1, 172.16.0.9", twoHops)).toBe("203.0.113.1");
  });

  it("reads an address its proxy wrote with a port as the address, and never counts past an entry that is none", () => {
    const trust = parseProxyTrust("10.0.0.0/8", undefined);
    const oneHop = parseProxyTrust(undefined, 1);
    // Some load balancers append "address:port": the client is the address, not the attacker's entry left of it.
    expect(resolveClientAddress("10.0.0.2", "6.6.6.6, 203.0.113.5:54321", trust)).toBe("203.0.113.5");
    expect(resolveClientAddress("10.0.0.2", "6.6.6.6, 203.0.113.5:54321", oneHop)).toBe("203.0.113.5");
    expect(resolveClientAddress("10.0.0.2", "6.6.6.6, [2001:db8::5]:443", oneHop)).toBe("2001:db8::5");
    expect(resolveClientAddress("10.0.0.2", "[2001:db8::5]", oneHop)).toBe("2001:db8::5");
    // An entry the proxy wrote that is no address: the proxy that passed it on, never what the client wrote before it.
    expect(resolveClientAddress("10.0.0.2", "6.6.6.6, unknown", oneHop)).toBe("10.0.0.2");
    expect(resolveClientAddress("10.0.0.2", "6.6.6.6, unknown", trust)).toBe("10.0.0.2");
    expect(resolveClientAddress("10.0.0.2", "6.6.6.6, unknown, 10.0.0.7", trust)).toBe("10.0.0.7");
  });

  it("tells the operator of a proxy in front that nobody named, whose clients would all count as one address; not of a named one or of none", () => {
    const warning = unnamedProxyWarning({ "x-forwarded-for": "203.0.113.1" }, "::ffff:10.0.0.2", none);
    expect(warning).toContain("requests from 10.0.0.2 carry forwarding headers");
    expect(warning).toContain("TRUSTED_PROXIES");
    expect(unnamedProxyWarning({ forwarded: "for=203.0.113.1" }, "10.0.0.2", none)).not.toBeNull();
    expect(unnamedProxyWarning({}, "10.0.0.2", none)).toBeNull();
    expect(unnamedProxyWarning({ "x-forwarded-for": "203.0.113.1" }, "10.0.0.2", parseProxyTrust("10.0.0.0/8", undefined))).toBeNull();
    expect(unnamedProxyWarning({ "x-forwarded-for": "203.0.113.1" }, "10.0.0.2", parseProxyTrust(undefined, 1))).toBeNull();
  });

  it("refuses a malformed TRUSTED_PROXIES entry, naming it: never a range wider than written", () => {
    expect(() => parseProxyTrust("10.0.0.0/8, proxy.internal", undefined)).toThrow(/proxy.internal/);
    // "10.0.0.0/" once read as 10.0.0.0/0: every address on the internet a trusted proxy, whose X-Forwarded-For any client writes.
    for (const entry of ["10.0.0.0/", "::1/", "10.0.0.0/abc", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/8/8", "10.0.0.0/ 8", "10.0.0.0/-1", "10.0.0.0/0x8"]) {
      expect(() => parseProxyTrust(entry, undefined), entry).toThrow(`TRUSTED_PROXIES: "${entry.trim()}" is not an IP address or CIDR range`);
    }
    expect(() => parseProxyTrust("10.0.0.0/8, 2001:db8::/32, 192.0.2.1", undefined)).not.toThrow();
  });
});
