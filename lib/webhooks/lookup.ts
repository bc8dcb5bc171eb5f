/**
 * Looking up a webhook endpoint's host name, the customer's choice of name, without
 * holding anything another tenant needs. Node's own `dns.lookup` runs getaddrinfo on
 * libuv's pool of 4 threads, which file reads, crypto and password hashing share: a
 * name whose servers never answer holds a thread for as long as the system resolver
 * keeps trying (tens of seconds), and four such names stall every tenant's sign-ins.
 * Names are asked of DNS on the event loop instead (c-ares), each lookup bounded and
 * cancelled when its time is up. /etc/hosts is not read; `localhost` and `*.localhost`
 * are loopback (RFC 6761). Every address returned is checked (targets.ts).
 */
import { Resolver } from "node:dns/promises";
import type { LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import { isRefusedAddress } from "./targets";

/** The longest a lookup may take before the attempt fails as "could not be looked up just now". */
const LOOKUP_TIMEOUT_MS = 5_000;

export class RefusedTarget extends Error {
  readonly code = "SANDBOX_PORTAL_REFUSED_TARGET";
}

/** A name that did not resolve; `code` is ENOTFOUND (no such name) or EAI_AGAIN (no answer in time, or a failing server). */
class LookupFailed extends Error {
  constructor(readonly code: "ENOTFOUND" | "EAI_AGAIN") {
    super(code);
  }
}

const LOOPBACK: LookupAddress[] = [
  { address: "127.0.0.1", family: 4 },
  { address: "::1", family: 6 },
];

const NO_SUCH_NAME = new Set(["ENOTFOUND", "ENODATA", "NOTFOUND", "NODATA"]);

async function addressesOf(resolver: Resolver, hostname: string, family: number): Promise<LookupAddress[]> {
  const ask = async (type: 4 | 6): Promise<LookupAddress[]> => {
    if (family !== 0 && family !== type) return [];
    try {
      const found = type === 4 ? await resolver.resolve4(hostname) : await resolver.resolve6(hostname);
      return found.map((address) => ({ address, family: type }));
    } catch (error) {
      if (NO_SUCH_NAME.has((error as { code?: string }).code ?? "")) return [];
      throw new LookupFailed("EAI_AGAIN");
    }
  };
  // A family whose question fails (servers that mishandle AAAA) does not fail the other's answer.
  const [v4, v6] = await Promise.allSettled([ask(4), ask(6)]);
  const addresses = [...(v4.status === "fulfilled" ? v4.value : []), ...(v6.status === "fulfilled" ? v6.value : [])];
  if (addresses.length > 0) return addresses;
  const failed = [v4, v6].find((r) => r.status === "rejected");
  throw failed ? (failed as PromiseRejectedResult).reason : new LookupFailed("ENOTFOUND");
}

export interface LookupOptions {
  /** Name servers to ask ("host:port"); the system's (/etc/resolv.conf) when absent. */
  servers?: string[];
  timeoutMs?: number;
}

/** A `lookup` for https.request that asks DNS on the event loop and refuses names that lead to a refused address. */
export function guardedLookup(options: LookupOptions = {}): LookupFunction {
  const timeoutMs = options.timeoutMs ?? LOOKUP_TIMEOUT_MS;
  return (hostname, lookupOptions, callback) => {
    const done = callback as (error: Error | null, address: string | LookupAddress[], family?: number) => void;
    const name = hostname.toLowerCase().replace(/\.$/, "");
    const family = familyNumber(lookupOptions.family);
    const found =
      name === "localhost" || name.endsWith(".localhost")
        ? Promise.resolve(LOOPBACK.filter((a) => !family || a.family === family))
        : resolveBounded(name, family, options.servers, timeoutMs);
    found.then(
      (addresses) => {
        if (addresses.length === 0 || addresses.some((a) => isRefusedAddress(a.address))) return done(new RefusedTarget(), "");
        if (lookupOptions.all) return done(null, addresses);
        done(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: Error) => done(error, ""),
    );
  };
}

function familyNumber(family: number | "IPv4" | "IPv6" | undefined): number {
  return family === "IPv4" ? 4 : family === "IPv6" ? 6 : (family ?? 0);
}

/** One resolver per lookup, so cancelling a lookup whose time is up cancels nobody else's. */
async function resolveBounded(hostname: string, family: number, servers: string[] | undefined, timeoutMs: number): Promise<LookupAddress[]> {
  const resolver = new Resolver({ timeout: Math.min(2_000, timeoutMs), tries: 2 });
  if (servers) resolver.setServers(servers);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      resolver.cancel();
      reject(new LookupFailed("EAI_AGAIN"));
    }, timeoutMs);
  });
  try {
    return await Promise.race([addressesOf(resolver, hostname, family), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
