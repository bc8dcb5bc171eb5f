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

export function survivesDrops<T extends EventEmitter>(connection: T): T {
  connection.on("error", () => undefined);
  return connection;
}

export async function openClient(config: pg.ClientConfig): Promise<pg.Client> {
  const client = survivesDrops(new pg.Client(config));
  await client.connect();
  return client;
}
