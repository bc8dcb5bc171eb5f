/**
 * From PostgreSQL 15 on, DROP DATABASE waits for every session on the server, on any
 * database, to close the dropped files. A session waiting mid-COPY for data its client does
 * not send, or sending results its client does not read, never does, nor does a connection
 * still signing in: one tenant's stalled session holds every drop on the server. The drop is
 * bounded, says what held it, and succeeds once that is gone.
 */
import net from "node:net";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { afterEach, describe, expect, it } from "vitest";
import { oneOffQuery } from "../db/one-off-query";
import { quoteIdent, withDatabase } from "../db/urls";
import { createTestDatabase, dropTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { databaseNames, newSandboxName, withClient } from "../testing/sanitizer-fixtures";
import { databaseSize, databaseSizesNamed, databasesNamed, dropSandboxDatabase } from "./drop";

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

/**
 * A session on `database` in the middle of a COPY whose client sends nothing more: as a
 * copy's own session on the sandbox server waits while production sends it nothing.
 */
async function sessionWaitingMidCopy(database: string): Promise<number> {
  const client = new pg.Client({ connectionString: withDatabase(testSandboxServerUrl(), database), application_name: "stalled-copy" });
  clients.push(client);
  client.on("error", () => undefined); // its socket is destroyed under it
  await client.connect();
  await client.query("CREATE TABLE loaded (line text)");
  const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  const copy = client.query(copyFrom("COPY loaded FROM STDIN"));
  copy.on("error", () => undefined);
  copy.write("a first row\n");
  const pid = rows[0]!.pid;
  await expect
    .poll(async () => (await oneOffQuery<{ wait: string | null }>(testServerAdminUrl(), "SELECT wait_event AS wait FROM pg_stat_activity WHERE pid = $1", [pid]))[0]?.wait, { timeout: 10_000 })
    .toBe("ClientRead");
  return pid;
}

/**
 * A connection to the sandbox server that sends its startup message and never answers the
 * server's request for its password: a client frozen mid-handshake, or anyone who can reach
 * the port. The server shows it nowhere; it ends it after its authentication_timeout.
 */
async function connectionSigningIn(): Promise<net.Socket> {
  const server = new URL(testSandboxServerUrl());
  const socket = net.connect(Number(server.port), server.hostname);
  socket.on("error", () => undefined);
  await new Promise((resolve) => socket.once("connect", resolve));
  const parameters = Buffer.from(`user\0${decodeURIComponent(server.username)}\0database\0postgres\0\0`);
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + parameters.length, 0);
  header.writeInt32BE(3 << 16, 4); // protocol 3.0
  socket.write(Buffer.concat([header, parameters]));
  // The server's request for the password: from here on it waits for an answer that never comes.
  await new Promise((resolve) => socket.once("data", resolve));
  return socket;
}

describe("dropping a sandbox database", () => {
  it("held by a session elsewhere on the server waiting mid-COPY: times out at its bound, names that session, and drops once it is gone", async () => {
    const doomed = await createDatabase();
    const elsewhere = await createDatabase();
    const pid = await sessionWaitingMidCopy(elsewhere);
    const role = new URL(testSandboxServerUrl()).username;
    process.env.SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS = "2";

    await expect(dropSandboxDatabase(testSandboxServerUrl(), doomed)).rejects.toThrow(
      new RegExp(`^DROP DATABASE ${doomed} timed out; .*process ${pid} of ${role} on ${elsewhere} named stalled-copy \\(active, ClientRead for \\d+ s\\)`),
    );

    // What the timed-out drop left can no longer be opened by anyone.
    await expect(oneOffQuery(withDatabase(testSandboxServerUrl(), doomed), "SELECT 1")).rejects.toThrow(/invalid database/);

    // Its session gone, the drop goes through: the database the timed-out drop left (unusable) is dropped.
    for (const client of clients.splice(0)) socketOf(client).destroy();
    await dropSandboxDatabase(testSandboxServerUrl(), doomed);
    expect(await databaseNames()).not.toContain(doomed);
  });

  it("held by a connection that never finishes signing in: times out at its bound naming the server's authentication_timeout, and drops once the server has ended it", async () => {
    const doomed = await createDatabase();
    const signingIn = await connectionSigningIn();
    const endedByServer = new Promise((resolve) => signingIn.once("close", resolve));
    try {
      process.env.SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS = "2";
      await expect(dropSandboxDatabase(testSandboxServerUrl(), doomed)).rejects.toThrow(
        new RegExp(`^DROP DATABASE ${doomed} timed out; .*any connection still signing in, which the server does not show, for up to its authentication_timeout of 10s$`),
      );
      // Within a drop's usual bound: the embedded server ends a handshake left unfinished after 10 s
      // (lib/db/local-server.ts), where PostgreSQL's default, a minute, outlasted the bound.
      delete process.env.SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS;
      await dropSandboxDatabase(testSandboxServerUrl(), doomed);
      await endedByServer;
      expect(await databaseNames()).not.toContain(doomed);
    } finally {
      signingIn.destroy();
    }
  }, 45_000);

  it("kept in use by a session it may not end: fails after its attempts, naming that session", async () => {
    const doomed = await createDatabase();
    // A superuser's session (an operator's): the sandbox role cannot end it.
    const operator = new pg.Client({ connectionString: withDatabase(testServerAdminUrl(), doomed) });
    clients.push(operator);
    operator.on("error", () => undefined);
    await operator.connect();
    const { rows } = await operator.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");

    await expect(dropSandboxDatabase(testSandboxServerUrl(), doomed)).rejects.toThrow(
      new RegExp(`^DROP DATABASE ${doomed} failed 5 times; sessions on it outlived being ended: process ${rows[0]!.pid} of postgres on ${doomed} \\(activity hidden from this role\\)`),
    );
    expect(await databaseNames()).toContain(doomed);
  });
});

describe("the database a sandbox server's URL names", () => {
  it("runs none of the functions another role on the server put there: the listings and measures call the built-ins", async () => {
    // A database anyone on the server may open and create in: what `postgres` is on a cluster upgraded
    // from PostgreSQL 14 or older, whose public schema keeps CREATE for PUBLIC.
    const shared = await createTestDatabase("shared");
    const neighbour = `neighbour_${Math.random().toString(36).slice(2, 8)}`;
    try {
      await withClient(shared, async (c) => {
        await c.query(`CREATE ROLE ${neighbour} LOGIN; GRANT CREATE ON SCHEMA public TO PUBLIC;
                       CREATE TABLE public.ran (who text); GRANT INSERT ON public.ran TO PUBLIC`);
        // Made by a role that may do nothing else: a closer match than the built-in starts_with(text, text)
        // for a name, so a session whose search_path reaches public calls it, as its own role.
        await c.query(`SET ROLE ${neighbour};
                       CREATE FUNCTION public.starts_with(name, text) RETURNS boolean LANGUAGE plpgsql AS $$
                         BEGIN INSERT INTO public.ran (who) VALUES (current_user); RETURN pg_catalog.starts_with($1::text, $2); END $$;
                       RESET ROLE`);
      });
      const serverUrl = withDatabase(testSandboxServerUrl(), new URL(shared).pathname.slice(1));
      const mine = await createDatabase();
      expect(await databasesNamed(serverUrl, mine)).toEqual([mine]);
      expect([...(await databaseSizesNamed(serverUrl, mine)).keys()]).toEqual([mine]);
      expect(await databaseSize(serverUrl, mine)).toBeGreaterThan(0);
      await dropSandboxDatabase(serverUrl, mine);
      expect(await databaseNames()).not.toContain(mine);
      // Run as the sandbox role, it could have set that role's password (ALTER ROLE … PASSWORD) and opened every customer's sandbox.
      await withClient(shared, async (c) => expect((await c.query("SELECT who FROM public.ran")).rows).toEqual([]));
    } finally {
      await dropTestDatabase(shared);
      await oneOffQuery(testServerAdminUrl(), `DROP ROLE IF EXISTS ${neighbour}`);
    }
  });
});
