/**
 * One consistent snapshot while production stays writable: the run is held at its
 * steps while another connection inserts, updates and deletes on production; the
 * sandbox must hold exactly the state at the snapshot. Own production: it is written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl } from "../testing/pg";
import { EMPTY_CLASSIFICATION } from "./classification";
import { provisionSandbox } from "./provision";
import { openSnapshot } from "./snapshot";
import { checksums, generateProduction, newSandboxName, sandboxUrl, scalar, withClient } from "../testing/sanitizer-fixtures";

let prod: string;
const name = newSandboxName();

beforeAll(async () => {
  prod = await generateProduction(41);
});

afterAll(async () => {
  await dropTestDatabase(sandboxUrl(name));
  await dropTestDatabase(prod);
});

describe("consistent snapshot", () => {
  it("copies production as of the snapshot while production is written throughout", async () => {
    const atSnapshot = await checksums(prod);
    const companiesAtSnapshot = await scalar(prod, "SELECT md5(string_agg(row(id, name, phone, city)::text, '|' ORDER BY id)) FROM company");
    const writes: string[] = [];
    // The copy calls its hooks from streams that run side by side: one write at a time,
    // or two writers' updates of the same companies deadlock each other on production.
    let previousWrite = Promise.resolve();
    const writer = (key: string) => (previousWrite = previousWrite.then(() => write(key)));
    const write = async (key: string) => {
      if (key === "snapshot") return; // before the snapshot: nothing may be written yet
      await withClient(prod, async (c) => {
        await c.query("UPDATE company SET name = name || ' (renamed)', city = 'Elsewhere' WHERE id % 7 = 0");
        await c.query("INSERT INTO sale (company_id, owner_id, title, amount, currency, stage, probability, created_at, updated_at) VALUES (1, 1, 'written during copy', 1, 'NOK', 'lead', 10, now(), now())");
        await c.query("DELETE FROM appointment WHERE id IN (SELECT id FROM appointment ORDER BY id DESC LIMIT 3)");
        await c.query("UPDATE ticket SET status = 'open', closed_at = NULL WHERE status = 'closed' AND id % 5 = 0");
        await c.query("UPDATE project SET status = 'cancelled' WHERE id % 3 = 0");
      });
      writes.push(key);
    };
    const report = await provisionSandbox({
      productionUrl: prod,
      sandboxServerUrl: testSandboxServerUrl(),
      databaseName: name,
      sandboxCustomerId: "Cust90005",
      serviceMailboxAddress: "support@sandbox.example",
      options: { documents: { mode: "all" }, serviceAttachments: true },
      classification: EMPTY_CLASSIFICATION,
      beforeStep: writer,
    });
    // Writes happened before the schema and before every table's copy.
    expect(writes).toContain("schema");
    expect(writes.filter((k) => k.startsWith("table:")).length).toBe(report.tables.length);

    const url = sandboxUrl(name);
    const now = await checksums(prod);
    const copy = await checksums(url);
    for (const table of ["sale", "appointment", "project", "document", "ticket_attachment"]) {
      expect(now[table], `${table} was written on production`).toBe(table === "document" || table === "ticket_attachment" ? atSnapshot[table] : now[table]);
      expect(copy[table], table).toBe(atSnapshot[table]);
    }
    expect(now.sale).not.toBe(atSnapshot.sale);
    expect(await scalar(url, "SELECT md5(string_agg(row(id, name, phone, city)::text, '|' ORDER BY id)) FROM company")).toBe(companiesAtSnapshot);
    expect(await scalar(url, "SELECT count(*) FROM sale WHERE title = 'written during copy'")).toBe("0");
    expect(Number(await scalar(prod, "SELECT count(*) FROM sale WHERE title = 'written during copy'"))).toBe(writes.length);
    // Tickets reopened on production after the snapshot stay as they were (closed) in the copy.
    expect(await scalar(url, "SELECT count(*) FROM ticket WHERE status <> 'closed' AND status <> 'deleted'")).toBe("0");
  });

  /** The sessions production still runs under `name`, by state. */
  const sessionsNamed = (name: string) =>
    withClient(prod, async (c) => (await c.query<{ state: string }>("SELECT state FROM pg_stat_activity WHERE application_name = $1", [name])).rows.map((r) => r.state));
  /** Waits (a few seconds at most) until production runs no session under `name`; what it still runs. */
  async function untilNoneNamed(name: string): Promise<string[]> {
    for (let i = 0; i < 30; i++) {
      const left = await sessionsNamed(name);
      if (left.length === 0) return left;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return sessionsNamed(name);
  }

  it("a session closed or cut while its statement runs is ended on production too: it would run on, holding its locks", async () => {
    for (const how of ["closed", "cut"] as const) {
      const sessionName = `snapshot test ${how}`;
      const stop = new AbortController();
      const snapshot = await openSnapshot(prod, { sessionName, signal: stop.signal });
      const joined = await snapshot.join();
      // A statement that writes nothing back until it ends, as a count over a large table.
      const running = joined.query("SELECT count(*) FROM public.company WHERE pg_sleep(20) IS NOT NULL").catch((error: unknown) => error);
      for (let i = 0; i < 50 && !(await sessionsNamed(sessionName)).includes("active"); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await sessionsNamed(sessionName), how).toContain("active");
      if (how === "cut") stop.abort();
      await snapshot.close();
      expect(await untilNoneNamed(sessionName), how).toEqual([]);
      await running;
    }
  });

  it("a session that joins as the snapshot closes is ended, not left in a transaction nobody ends", async () => {
    const sessionName = "snapshot test late join";
    const snapshot = await openSnapshot(prod, { sessionName });
    const joining = snapshot.join();
    await snapshot.close();
    await expect(joining).rejects.toThrow("closed");
    expect(await untilNoneNamed(sessionName)).toEqual([]);
  });
});
