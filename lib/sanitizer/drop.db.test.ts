/**
 * From PostgreSQL 15 on, DROP DATABASE waits for every session on the server, on any
 * database, to close the dropped files. A session sending results to a client that does not
 * read them never does: one tenant's stalled client holds every drop on the server. The drop
 * is bounded, says which sessions held it, and succeeds once they are gone.
 */
import type net from "node:net";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { oneOffQuery } from "../db/one-off-query";
import { quoteIdent, withDatabase } from "../db/urls";
import { testSandboxServerUrl } from "../testing/pg";
import { databaseNames, newSandboxName } from "../testing/sanitizer-fixtures";
import { dropSandboxDatabase } from "./drop";

const made: string[] = [];
const clients: pg.Client[] = [];

const socketOf = (client: pg.Client) => (client as unknown as { connection: { stream: net.Socket } }).connection.stream;

afterEach(async () => {
  delete process.env.SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS;
  for (const client of clients.splice(0)) socketOf(client).destroy();
  for (const name of made.splice(0)) await dropSandboxDatabase(testSandboxServerUrl(), name);
});

async function createDatabase(): Promise<string> {
  const name = newSandboxName();
  made.push(name);
  await oneOffQuery(testSandboxServerUrl(), `CREATE DATABASE ${quoteIdent(name)}`);
  return name;
}

/** A session on `database` that asks for far more rows than fit in the sockets' buffers, and stops reading them. */
async function clientThatStopsReading(database: string): Promise<number> {
  const client = new pg.Client({ connectionString: withDatabase(testSandboxServerUrl(), database) });
  clients.push(client);
  client.on("error", () => undefined); // its socket is destroyed under it
  await client.connect();
  const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  socketOf(client).pause();
  client.query("SELECT repeat('x', 10000) FROM generate_series(1, 100000)").catch(() => undefined);
  return rows[0]!.pid;
}

describe("dropping a sandbox database", () => {
  it("held by a session elsewhere on the server that stopped reading: times out at its bound, names that session, and drops once it is gone", async () => {
    const doomed = await createDatabase();
    const elsewhere = await createDatabase();
    const pid = await clientThatStopsReading(elsewhere);
    const role = new URL(testSandboxServerUrl()).username;
    process.env.SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS = "2";

    await expect(dropSandboxDatabase(testSandboxServerUrl(), doomed)).rejects.toThrow(
      new RegExp(`^DROP DATABASE ${doomed} timed out; .*process ${pid} of ${role} on ${elsewhere} \\(ClientWrite for \\d+ s\\)`),
    );

    // What the timed-out drop left can no longer be opened by anyone.
    await expect(oneOffQuery(withDatabase(testSandboxServerUrl(), doomed), "SELECT 1")).rejects.toThrow(/invalid database/);

    // Its session gone, the drop goes through: the database the timed-out drop left (unusable) is dropped.
    for (const client of clients.splice(0)) socketOf(client).destroy();
    await dropSandboxDatabase(testSandboxServerUrl(), doomed);
    expect(await databaseNames()).not.toContain(doomed);
  });
});
