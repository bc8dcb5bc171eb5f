import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { endOrCut } from "../db/client";
import { freezingProxy } from "../testing/freezing-proxy";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { productionUrlProblem } from "./production-url";
import { givingUpAfter, openProductionClient } from "./read-only";

let url: string;

beforeAll(async () => {
  url = await createTestDatabase("readonly");
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query("CREATE TABLE note (id integer PRIMARY KEY, body text)");
  await setup.query("INSERT INTO note VALUES (1, 'kept')");
  // A production that tries to shadow built-ins the portal's queries use.
  await setup.query("CREATE FUNCTION public.lower(character varying) RETURNS text LANGUAGE sql AS $$ SELECT 'shadowed' $$");
  await setup.query("CREATE FUNCTION public.texteq_evil(text, text) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$");
  await setup.query("CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.texteq_evil)");
  await setup.end();
});

afterAll(async () => {
  await dropTestDatabase(url);
});

describe("openProductionClient", () => {
  it("reads but cannot write, even in an explicit transaction", async () => {
    const client = await openProductionClient(url);
    try {
      const { rows } = await client.query<{ body: string }>("SELECT body FROM public.note WHERE id = 1");
      expect(rows[0]?.body).toBe("kept");
      await expect(client.query("UPDATE public.note SET body = 'changed'")).rejects.toThrow(/read-only transaction/);
      await expect(client.query("CREATE TABLE other (id integer)")).rejects.toThrow(/read-only transaction/);
      await client.query("BEGIN");
      await expect(client.query("DELETE FROM public.note")).rejects.toThrow(/read-only transaction/);
      await client.query("ROLLBACK");
    } finally {
      await client.end();
    }
  });
});

describe("what a production session may be", () => {
  it("refuses a URL whose parameters would override the session's settings, and takes TLS ones", async () => {
    for (const parameter of ["options=-c%20default_transaction_read_only%3Doff", "statement_timeout=0", "idle_in_transaction_session_timeout=0", "replication=database"]) {
      await expect(openProductionClient(`${url}?${parameter}`)).rejects.toThrow(/refused: its URL may carry only TLS and connection settings/);
    }
    expect(productionUrlProblem(`${url}?statement_timeout=0`)).toMatch(/not statement_timeout/);
    const withTls = await openProductionClient(`${url}?sslmode=disable`);
    await withTls.end();
  });

  it("refuses a session whose bounds production did not apply as asked", async () => {
    await expect(openProductionClient(url, { lock_timeout: 0 })).rejects.toThrow(/not bounded as asked \(its lock_timeout is 0 ms\)/);
  });

  it("reads a table whose row policies would hide rows from it as an error, never as fewer rows", async () => {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    const role = `rls_reader_${process.pid}`;
    try {
      await setup.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader'`);
      await setup.query(`GRANT SELECT ON public.note TO ${role}`);
      await setup.query("INSERT INTO public.note VALUES (2, 'hidden') ON CONFLICT DO NOTHING");
      await setup.query("ALTER TABLE public.note ENABLE ROW LEVEL SECURITY");
      await setup.query("CREATE POLICY only_first ON public.note USING (id = 1)");
      const asReader = new URL(url);
      asReader.username = role;
      asReader.password = "reader";
      const client = await openProductionClient(asReader.toString());
      try {
        await expect(client.query("SELECT count(*) FROM public.note")).rejects.toThrow(/row-level security/);
      } finally {
        await client.end();
      }
    } finally {
      await setup.query("DROP POLICY IF EXISTS only_first ON public.note; ALTER TABLE public.note DISABLE ROW LEVEL SECURITY; DELETE FROM public.note WHERE id = 2");
      await setup.query(`REVOKE ALL ON public.note FROM ${role}`).catch(() => undefined);
      await setup.query(`DROP ROLE IF EXISTS ${role}`);
      await setup.end();
    }
  });
});

describe("a production that stops answering mid-statement", () => {
  it("is given up on by the driver a little after its own statement limit (givingUpAfter), and the session is let go at once", async () => {
    const proxy = await freezingProxy(url);
    try {
      const client = await openProductionClient(proxy.url, givingUpAfter(1_000));
      proxy.freeze();
      const started = Date.now();
      await expect(client.query("SELECT body FROM public.note")).rejects.toThrow();
      // The server's limit (1 s) and the driver's margin (5 s): not forever.
      expect(Date.now() - started).toBeLessThan(8_000);
      const ending = Date.now();
      await endOrCut(client);
      expect(Date.now() - ending).toBeLessThan(3_000);
    } finally {
      await proxy.close();
    }
  });
});

describe("search_path = pg_catalog, pg_temp", () => {
  it("production's own functions and operators never shadow built-ins", async () => {
    const client = await openProductionClient(url);
    try {
      const { rows } = await client.query<{ l: string; eq: boolean }>("SELECT lower('ABC'::varchar) AS l, 'a'::text = 'b'::text AS eq");
      expect(rows[0]).toEqual({ l: "abc", eq: false });
      await expect(client.query("SELECT body FROM note")).rejects.toThrow(/does not exist/);
    } finally {
      await client.end();
    }
  });
});

describe("production's parallel workers", () => {
  it("are never taken by the portal's reads, even where the planner would use them", async () => {
    const planOf = async (client: pg.Client) => {
      // Costs that make any scan worth parallelising.
      for (const setting of ["parallel_setup_cost = 0", "parallel_tuple_cost = 0", "min_parallel_table_scan_size = 0"]) await client.query(`SET ${setting}`);
      const { rows } = await client.query<{ "QUERY PLAN": string }>("EXPLAIN SELECT count(*) FROM public.note");
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    };
    const plain = new pg.Client({ connectionString: url });
    await plain.connect();
    const production = await openProductionClient(url);
    try {
      expect(await planOf(plain)).toMatch(/Gather/);
      expect(await planOf(production)).not.toMatch(/Gather/);
    } finally {
      await plain.end();
      await production.end();
    }
  });
});
