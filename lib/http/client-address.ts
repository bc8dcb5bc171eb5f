/**
 * Which address a request really comes from. Forwarding headers are written by
 * whoever sends the request, so they are believed only from proxies the operator
 * names: TRUSTED_PROXIES (addresses or CIDR ranges) or TRUSTED_PROXY_HOPS (how
 * many proxies stand in front of the portal). With neither, the socket address
 * is the client, whatever X-Forwarded-For says.
 */
import { BlockList, isIP } from "node:net";

export interface ProxyTrust {
  /** Addresses and ranges of the operator's own proxies. */
  proxies: BlockList;
  /** Number of proxies in front of the portal, each appending to X-Forwarded-For. */
  hops: number;
}

/** Parses TRUSTED_PROXIES ("10.0.0.0/8, 192.0.2.7, ::1") and TRUSTED_PROXY_HOPS; throws on a malformed entry. */
export function parseProxyTrust(list: string | undefined, hops: number | undefined): ProxyTrust {
  const proxies = new BlockList();
  for (const entry of (list ?? "").split(",").map((e) => e.trim()).filter(Boolean)) {
    const [address = "", prefix, ...rest] = entry.split("/");
    const family = isIP(address);
    const notRange = () => new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    if (family === 0 || rest.length > 0) throw notRange();
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) {
      proxies.addAddress(address, type);
      continue;
    }
    // Digits only, within the family's bits: Number("") is 0, and "10.0.0.0/" would have trusted every address.
    const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (!(bits <= (family === 4 ? 32 : 128))) throw notRange();
    proxies.addSubnet(address, bits, type);
  }
  return { proxies, hops: hops ?? 0 };
}

/**
 * "::ffff:192.0.2.1" (IPv4 on a dual-stack socket) is 192.0.2.1; a port some proxies
 * append ("192.0.2.1:54321", "[2001:db8::1]:443") is not part of the address.
 */
function normalizeAddress(address: string): string {
  const trimmed = address.trim();
  const withoutPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(trimmed)?.[1] ?? /^\[([^\]]+)\](?::\d+)?$/.exec(trimmed)?.[1] ?? trimmed;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(withoutPort);
  return mapped ? mapped[1]! : withoutPort.toLowerCase();
}

function isTrustedProxy(trust: ProxyTrust, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && trust.proxies.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * The client's address: walk X-Forwarded-For from the right (the hop nearest
 * to us), skipping trusted proxies, and stop at the first address that is not
 * one. With a hop count, exactly that many entries are skipped. Anything the
 * client wrote further left is never read. An entry that is no address ends the
 * walk at the proxy that passed it on: dropped, it shifted the count, and the
 * client's own entry was taken for its proxy's.
 */
export function resolveClientAddress(socketAddress: string, forwardedFor: string | undefined, trust: ProxyTrust): string {
  const chain = [
    ...(forwardedFor ?? "")
      .split(",")
      .map(normalizeAddress)
      .filter((a) => a !== ""),
    normalizeAddress(socketAddress),
  ];
  let index = chain.length - 1;
  if (trust.hops > 0) index = Math.max(0, chain.length - 1 - trust.hops);
  else while (index > 0 && isTrustedProxy(trust, chain[index]!)) index--;
  while (index < chain.length - 1 && isIP(chain[index]!) === 0) index++;
  return chain[index]!;
}

/** Whether the request reached us through a proxy we trust (so its X-Forwarded-Proto/-Host may be believed). */
export function cameThroughTrustedProxy(socketAddress: string, trust: ProxyTrust): boolean {
  return trust.hops > 0 || isTrustedProxy(trust, normalizeAddress(socketAddress));
}

/** Forwarding headers as the app reads them, rewritten once where the request enters the portal. */
export function normalizeForwardingHeaders(
  headers: Record<string, string | string[] | undefined>,
  socketAddress: string,
  trust: ProxyTrust,
): void {
  const forwardedFor = [headers["x-forwarded-for"]].flat().filter(Boolean).join(",");
  // From here on X-Forwarded-For holds exactly one address: the client's.
  headers["x-forwarded-for"] = resolveClientAddress(socketAddress, forwardedFor, trust);
  delete headers["x-real-ip"];
  delete headers["forwarded"];
  if (!cameThroughTrustedProxy(socketAddress, trust)) {
    // Next.js fills these in from the Host header and the socket when they are absent.
    delete headers["x-forwarded-proto"];
    delete headers["x-forwarded-host"];
    delete headers["x-forwarded-port"];
  }
}

/**
 * Why the operator should name a proxy, when a request came through one the portal does not
 * trust: it carries forwarding headers from an address not named as a proxy. Every client behind
 * that proxy then counts as the proxy's one address, so the sign-in and password-link throttles
 * pool them all (one person's failures slow everyone). null when there is nothing to say. Said
 * once per process by the portal's front: a client forging the header only adds a log line.
 */
export function unnamedProxyWarning(headers: Record<string, string | string[] | undefined>, socketAddress: string, trust: ProxyTrust): string | null {
  const configured = trust.hops > 0 || isTrustedProxy(trust, normalizeAddress(socketAddress));
  if (configured || !["x-forwarded-for", "forwarded", "x-real-ip"].some((name) => headers[name] !== undefined)) return null;
  const from = normalizeAddress(socketAddress);
  return `requests from ${from} carry forwarding headers, but ${from} is not a proxy the portal trusts: every client behind it counts as that one address for the sign-in and password-link throttles. If it is your proxy, name it in TRUSTED_PROXIES (or set TRUSTED_PROXY_HOPS)`;
}

/**
 * The client's address as a request handler reads it. The portal's front
 * (scripts/portal-server.ts) has already replaced X-Forwarded-For with the one
 * address it trusts; the last entry is read so that a stray client-written list
 * is never believed first.
 */
export function forwardedClientAddress(forwarded: unknown): string | undefined {
  return typeof forwarded === "string" && forwarded.length > 0 ? forwarded.split(",").at(-1)!.trim() : undefined;
}
