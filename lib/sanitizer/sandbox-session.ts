/**
 * Sessions on a sandbox server. The servers are the operators' own, but any host can
 * hang (a full disk, a stuck storage volume, a network partition), and a server that
 * has stopped answering enforces none of a session's limits: a run writing into one
 * waited past its deadline for good, holding its worker's slot, and so did the drop of
 * its half-made database and the sweeps after it. So every session connects within
 * SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS, a run's sessions are cut at its deadline
 * (`signal`), and a statement outside a run is given up on after a bound of its own.
 */
import pg from "pg";
import { copyLimits } from "../config/copy-limits";
import { cutOnAbort, openClient } from "../db/client";
import { assertTlsAllowed } from "../db/tls-policy";
import { SanitizationError } from "./errors";

function sandboxSessionConfig(url: string, extra: pg.ClientConfig = {}): pg.ClientConfig {
  assertTlsAllowed(url, "the sandbox server's URL");
  return { connectionString: url, connectionTimeoutMillis: copyLimits().sandboxConnectTimeoutMs, ...extra };
}

/** A session of a run on the sandbox server, cut when `signal` aborts. */
export async function openSandboxSession(url: string, signal?: AbortSignal, extra: pg.ClientConfig = {}): Promise<pg.Client> {
  const config = sandboxSessionConfig(url, extra);
  return openClient(config, signal).catch((error: unknown) => {
    // pg's own words when connectionTimeoutMillis passes; classifyDriverError would blame production for them.
    if ((error as Error | undefined)?.message !== "timeout expired") throw error;
    throw new SanitizationError("CONNECTION_LOST", `The sandbox server did not answer the copy's connection within ${Math.round(config.connectionTimeoutMillis! / 1000)} s.`, undefined, { cause: error });
  });
}

/** A pool for a run's client that takes one (Prisma's adapter): each of its sessions cut when `signal` aborts. */
export function sandboxPool(url: string, signal?: AbortSignal): pg.Pool {
  const pool = new pg.Pool(sandboxSessionConfig(url));
  pool.on("error", () => undefined); // an idle session that drops; the one in use reports it to its query
  pool.on("connect", (client) => void cutOnAbort(client, signal));
  return pool;
}
