/**
 * A table read whole is measured first on the server: its rows counted one past the
 * bound, its values by their stored length. What is over either bound is named in
 * the customer's words; what is within, or empty, or NULL, passes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { withClient } from "../testing/sanitizer-fixtures";
import { inOneSnapshot, tooLargeToReadWhole } from "./whole-table-bounds";

let db: string;

beforeAll(async () => {
  db = await createTestDatabase("wholebounds");
  await withClient(db, (c) =>
    c.query(`CREATE TABLE web_panel (id int PRIMARY KEY, name text, url text);
             CREATE TABLE webhook (id int PRIMARY KEY, name text);
             INSERT INTO web_panel VALUES (1, 'CRM', 'https://a.example/'), (2, 'Empty', NULL), (3, 'Long', repeat('é', 600))`),
  );
});
afterAll(async () => {
  await dropTestDatabase(db);
});

const measure = (table: string, bounds: { rows: number; valueBytes: number; totalBytes?: number }) =>
  withClient(db, (c) => tooLargeToReadWhole(c, [{ table, columns: table === "web_panel" ? ["name", "url"] : ["name"], what: "production's web panels" }], { totalBytes: 1 << 20, ...bounds }));

describe("tooLargeToReadWhole", () => {
  it("passes a table within both bounds, an empty one, and NULL values", async () => {
    expect(await measure("web_panel", { rows: 3, valueBytes: 1200 })).toBeNull();
    expect(await measure("webhook", { rows: 0, valueBytes: 0 })).toBeNull();
  });

  it("names a table with more rows than the bound", async () => {
    expect(await measure("web_panel", { rows: 2, valueBytes: 1200 })).toBe("There are more than 2 of production's web panels: more than the portal reads. Contact support.");
  });

  it("names a value longer than the bound, in bytes as stored (600 two-byte letters are 1,200)", async () => {
    expect(await measure("web_panel", { rows: 3, valueBytes: 1199 })).toBe("One of production's web panels holds a value longer than 1.2 KB: more than the portal reads. Contact support.");
  });

  it("names values within both bounds that are too many bytes together (3 + 18 + 5 + 4 + 1,200 here)", async () => {
    expect(await measure("web_panel", { rows: 3, valueBytes: 1200, totalBytes: 1229 })).toBe(
      "Together, production's web panels hold more than 1.2 KB: more than the portal reads. Contact support.",
    );
    expect(await measure("web_panel", { rows: 3, valueBytes: 1200, totalBytes: 1230 })).toBeNull();
  });

  it("measures several reads in one statement and names the first refused, in the order they are declared", async () => {
    const reads = [
      { table: "webhook", columns: ["name"], what: "the sandbox's webhooks" },
      { table: "web_panel", columns: ["url"], where: "id <> 3", what: "the sandbox's web panels" },
      { table: "web_panel", columns: ["name", "url"], what: "the sandbox's panels, all of them" },
    ];
    const bounds = { rows: 2, valueBytes: 1199, totalBytes: 1 << 20 };
    // The second read is within both bounds (id 3 left out); the third has 3 rows.
    expect(await withClient(db, (c) => tooLargeToReadWhole(c, reads, bounds))).toBe("There are more than 2 of the sandbox's panels, all of them: more than the portal reads. Contact support.");
    expect(await withClient(db, (c) => tooLargeToReadWhole(c, [reads[1]!], bounds))).toBeNull();
    expect(await withClient(db, (c) => tooLargeToReadWhole(c, [], bounds))).toBeNull();
  });
});

describe("inOneSnapshot", () => {
  it("reads what it measured: a value written between the two, by another session, is not seen", async () => {
    await withClient(db, (reader) =>
      withClient(db, async (writer) => {
        const read = await inOneSnapshot(reader, async () => {
          expect(await tooLargeToReadWhole(reader, [{ table: "webhook", columns: ["name"], what: "the sandbox's webhooks" }], { rows: 10, valueBytes: 100, totalBytes: 1000 })).toBeNull();
          // Its users write a huge value right after the measure: the read must not hold it.
          await writer.query("INSERT INTO webhook VALUES (99, repeat('x', 1000000))");
          return (await reader.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook WHERE id = 99")).rows[0]!.n;
        });
        expect(read).toBe(0);
        await writer.query("DELETE FROM webhook WHERE id = 99");
      }),
    );
  });

  it("ends its transaction when the read fails, so the session is free again", async () => {
    await withClient(db, async (c) => {
      await expect(inOneSnapshot(c, () => c.query("SELECT 1/0"))).rejects.toThrow();
      expect((await c.query<{ s: string }>("SELECT current_setting('transaction_isolation') AS s")).rows[0]!.s).toBe("read committed");
    });
  });
});
