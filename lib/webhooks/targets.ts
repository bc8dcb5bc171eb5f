/**
 * Where the portal may POST (SSRF): an HTTPS URL whose host resolves only to public
 * addresses. Loopback, private, link-local (cloud metadata), shared, reserved and
 * multicast ranges are refused unless an operator allows a range in
 * WEBHOOK_ALLOW_PRIVATE_TARGETS. Of IPv6 only global unicast is taken, less the ranges
 * that carry an IPv4 address inside (6to4, Teredo) or are not routed: every other form
 * that embeds an IPv4 address (IPv4-compatible, -translated, NAT64 of any prefix) is
 * outside it, so no spelling reaches a private IPv4 host. An IPv4-mapped address
 * (::ffff:a.b.c.d, as a dual-stack resolver may answer) is judged as its IPv4 address. The
 * check runs on the addresses the connection actually uses (lib/webhooks/send.ts), so a
 * name that resolves differently later (DNS rebinding) is still caught.
 */
import { BlockList, isIP } from "node:net";

const NOT_PUBLIC: [string, number, "ipv4" | "ipv6"][] = [
  ["0.0.0.0", 8, "ipv4"],
  ["10.0.0.0", 8, "ipv4"],
  ["100.64.0.0", 10, "ipv4"],
  ["127.0.0.0", 8, "ipv4"],
  ["169.254.0.0", 16, "ipv4"],
  ["172.16.0.0", 12, "ipv4"],
  ["192.0.0.0", 24, "ipv4"],
  ["192.0.2.0", 24, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["198.18.0.0", 15, "ipv4"],
  ["198.51.100.0", 24, "ipv4"],
  ["203.0.113.0", 24, "ipv4"],
  ["224.0.0.0", 4, "ipv4"],
  ["240.0.0.0", 4, "ipv4"],
  // Everything outside global unicast (2000::/3): unspecified, loopback, IPv4-compatible and
  // -translated, NAT64 (64:ff9b::/96, 64:ff9b:1::/48), discard, unique local, link-local, multicast.
  ["::", 3, "ipv6"],
  ["4000::", 2, "ipv6"],
  ["8000::", 1, "ipv6"],
  ["2001::", 23, "ipv6"], // IETF protocol assignments: Teredo (2001::/32, an IPv4 inside), benchmarking, ORCHID
  ["2001:db8::", 32, "ipv6"], // documentation
  ["2002::", 16, "ipv6"], // 6to4 (an IPv4 inside)
  ["3fff::", 20, "ipv6"], // documentation
];

// One list per family: a BlockList matches an IPv4 address against IPv6 rules as its mapped
// form, which ::/3 would take in, refusing every IPv4 address.
const notPublic = { ipv4: new BlockList(), ipv6: new BlockList() };
for (const [network, prefix, type] of NOT_PUBLIC) notPublic[type].addSubnet(network, prefix, type);

/** The operator's allowed ranges, e.g. "10.20.0.0/16,127.0.0.1/32"; read on each use, so tests and restarts see changes. */
function operatorAllowed(): BlockList {
  const allowed = new BlockList();
  for (const entry of (process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? "").split(",")) {
    const [network, prefix] = entry.trim().split("/");
    const type = isIP(network ?? "");
    if (!network || type === 0) continue;
    const family = type === 4 ? "ipv4" : "ipv6";
    allowed.addSubnet(network, prefix === undefined ? (type === 4 ? 32 : 128) : Number(prefix), family);
  }
  return allowed;
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:a.b.c.d, or ::ffff:7f00:1 as URLs write it). */
function mappedIPv4(address: string): string | null {
  const match = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!match) return null;
  if (match[1]) return match[1];
  const high = parseInt(match[2]!, 16);
  const low = parseInt(match[3]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/** True for an address the portal must not POST to. */
export function isRefusedAddress(address: string): boolean {
  const type = isIP(address);
  if (type === 0) return true;
  const mapped = type === 6 ? mappedIPv4(address) : null;
  if (mapped) return isRefusedAddress(mapped);
  const family = type === 4 ? "ipv4" : "ipv6";
  return notPublic[family].check(address, family) && !operatorAllowed().check(address, family);
}

export const PRIVATE_TARGET_REFUSED = "The address is on a loopback or private network, where the portal does not send events unless an operator allows it.";

/** True when the address's host is a literal IP address the portal must not POST to (names are checked when connecting). */
export function isRefusedLiteral(raw: string): boolean {
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, "");
  return isIP(host) !== 0 && isRefusedAddress(host);
}

/** Why the portal will not send to this address's literal host (an IP address, or localhost), or null; names are checked at connect time. */
export function privateTargetProblem(raw: string): string | null {
  // A name may end in the root's dot ("localhost."): the same host to a resolver.
  const host = new URL(raw).hostname.replace(/\.$/, "");
  const localhost = host === "localhost" || host.endsWith(".localhost");
  return isRefusedLiteral(raw) || (localhost && isRefusedAddress("127.0.0.1")) ? PRIVATE_TARGET_REFUSED : null;
}
