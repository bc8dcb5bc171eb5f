/**
 * Every pg.Client the worker opens goes through `openClient` (or `survivesDrops`).
 * A connection that drops — a terminated backend, a restarted server, a network
 * cut — makes its client emit 'error'; with no listener Node treats that as an
 * uncaught exception and the whole process dies, taking every other run with it.
 * The listener can stay silent: the owner learns of the loss anyway, because the
 * query in flight rejects with the error and every later query fails.
 */
import type { EventEmitter } from "node:events";
import pg from "pg";
import { assertTlsAllowed } from "./tls-policy";

export function survivesDrops<T extends EventEmitter>(connection: T): T {
  connection.on("error", () => undefined);
  return connection;
}

/**
 * `signal`: the session is cut when it aborts (cutOnAbort), connecting or not. Refused,
 * unopened, when REQUIRE_DATABASE_TLS refuses its URL (tls-policy.ts).
 */
export async function openClient(config: pg.ClientConfig, signal?: AbortSignal): Promise<pg.Client> {
  signal?.throwIfAborted();
  if (config.connectionString) assertTlsAllowed(config.connectionString);
  const client = cutOnAbort(survivesDrops(new pg.Client(config)), signal);
  await client.connect();
  return client;
}

/**
 * Cuts `client` when `signal` aborts (at once if it has), for as long as the session
 * lasts: a run's deadline ends its sessions on a server that has stopped answering,
 * which would enforce none of their limits.
 */
export function cutOnAbort<T extends pg.Client | pg.PoolClient>(client: T, signal: AbortSignal | undefined): T {
  if (!signal) return client;
  const cut = () => cutConnection(client);
  if (signal.aborted) cut();
  else {
    signal.addEventListener("abort", cut, { once: true });
    client.once("end", () => signal.removeEventListener("abort", cut));
  }
  return client;
}

/**
 * Ends a session at once, without a word to its server: the server may have stopped
 * answering, and `end()` waits for it. The socket is destroyed, so every query in
 * flight rejects ("Connection terminated") and the server, if alive, ends the session.
 */
function cutConnection(client: pg.Client | pg.PoolClient): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/**
 * The server process id the session's server announced when it connected (BackendKeyData):
 * what the lock watchdog watches and pg_terminate_backend ends. pg keeps it, untyped.
 */
export function serverProcessId(client: pg.ClientBase): number | undefined {
  return (client as pg.ClientBase & { processID?: number }).processID;
}

/** Ends a session politely, and cuts it if its server has not let it go within `graceMs` (it may have stopped answering). */
export async function endOrCut(client: pg.Client, graceMs = 1_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = client.end().catch(() => undefined);
  await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  cutConnection(client);
}
