import { describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, dropTestDatabase } from "./pg";

describe("test databases", () => {
  it("are fresh, empty and PostgreSQL 15+", async () => {
    const url = await createTestDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ v: number; n: string }>(
      "SELECT current_setting('server_version_num')::int AS v, (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') AS n",
    );
    await client.end();
    expect(rows[0]?.v).toBeGreaterThanOrEqual(150000);
    expect(Number(rows[0]?.n)).toBe(0);
    await dropTestDatabase(url);
  });
});
