import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { openProductionClient, openProductionPool } from "./read-only";

let url: string;

beforeAll(async () => {
  url = await createTestDatabase("readonly");
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query("CREATE TABLE note (id integer PRIMARY KEY, body text)");
  await setup.query("INSERT INTO note VALUES (1, 'kept')");
  await setup.end();
});

afterAll(async () => {
  await dropTestDatabase(url);
});

describe("openProductionClient", () => {
  it("reads but cannot write, even in an explicit transaction", async () => {
    const client = await openProductionClient(url);
    try {
      const { rows } = await client.query<{ body: string }>("SELECT body FROM note WHERE id = 1");
      expect(rows[0]?.body).toBe("kept");
      await expect(client.query("UPDATE note SET body = 'changed'")).rejects.toThrow(/read-only transaction/);
      await expect(client.query("CREATE TABLE other (id integer)")).rejects.toThrow(/read-only transaction/);
      await client.query("BEGIN");
      await expect(client.query("DELETE FROM note")).rejects.toThrow(/read-only transaction/);
      await client.query("ROLLBACK");
    } finally {
      await client.end();
    }
  });
});

describe("openProductionPool", () => {
  it("serves read-only connections through query() and connect()", async () => {
    const pool = openProductionPool(url, { max: 2 });
    try {
      expect((await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM note")).rows[0]?.n).toBe(1);
      await expect(pool.query("INSERT INTO note VALUES (2, 'x')")).rejects.toThrow(/read-only transaction/);
      const client = await pool.connect();
      try {
        await expect(client.query("TRUNCATE note")).rejects.toThrow(/read-only transaction/);
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  });
});
