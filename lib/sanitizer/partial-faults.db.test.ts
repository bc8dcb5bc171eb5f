/**
 * A partial copy takes its rows through shortcuts: the chosen rows' keys read ahead
 * (partial-down-keys.ts), tables in two parts, keys read back from the copy. Here one
 * shortcut is made to lose a row, as a fault in it would: one chosen contact's key is
 * dropped from the keys read ahead, so that contact's appointments, sales and tickets
 * are never copied. The verification must see it and refuse the copy, because it
 * counts the chosen companies' rows on production apart from how the copy found them.
 * And the session that counts them apart is cut, as production's administrator may
 * cut any session: the run must fail whole, leaving nothing behind on either side.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { dropTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { checksums, databaseNames, generateProduction, newSandboxName, rows, sandboxUrl, withClient } from "../testing/sanitizer-fixtures";
import { SanitizationError } from "./errors";
import type * as ChosenCountsModule from "./partial-chosen-counts";
import type * as DownKeysModule from "./partial-down-keys";
import { provisionSandbox } from "./provision";

/** The contact key the fault drops, when set; whether the chosen rows' own session is cut. */
const fault = vi.hoisted(() => ({ dropContact: undefined as number | undefined, cutChosenCount: false }));

vi.mock("./partial-chosen-counts", async (importOriginal) => {
  const original = await importOriginal<typeof ChosenCountsModule>();
  const { oneOffQuery } = await import("../db/one-off-query");
  const { testServerAdminUrl: adminUrl } = await import("../testing/pg");
  return {
    ...original,
    countChosenRowsApart: async (...args: Parameters<typeof original.countChosenRowsApart>) => {
      if (!fault.cutChosenCount) return original.countChosenRowsApart(...args);
      // The real count, on a session that production terminates as soon as it has joined the snapshot.
      const [snapshot, ...rest] = args;
      const join = async () => {
        const session = await snapshot.join();
        await oneOffQuery(adminUrl(), "SELECT pg_terminate_backend($1)", [(session as unknown as { processID: number }).processID]);
        return session;
      };
      return original.countChosenRowsApart({ ...snapshot, join }, ...rest);
    },
  };
});

vi.mock("./partial-down-keys", async (importOriginal) => {
  const original = await importOriginal<typeof DownKeysModule>();
  return {
    ...original,
    readDownKeys: async (...args: Parameters<typeof original.readDownKeys>) => {
      const keys = await original.readDownKeys(...args);
      const contacts = keys.get("contact");
      if (fault.dropContact !== undefined && contacts) keys.set("contact", { ...contacts, values: contacts.values.filter((v) => Number(v) !== fault.dropContact) });
      return keys;
    },
  };
});

let prod: string;
let company: number;
let contact: number;

beforeAll(async () => {
  prod = await generateProduction(15);
  await withClient(prod, async (c) => {
    ({ company_id: company, id: contact } = (await c.query<{ company_id: number; id: number }>("SELECT company_id, id FROM contact WHERE company_id IS NOT NULL ORDER BY id LIMIT 1")).rows[0]!);
    // An appointment with no company, reaching the chosen company only through the contact: the row the fault loses.
    await c.query("INSERT INTO appointment (associate_id, contact_id, subject, starts_at, ends_at, created_at) VALUES (1, $1, 'Lunch', now(), now(), now())", [contact]);
    await c.query("ANALYZE");
  });
}, 120_000);

afterAll(async () => {
  await dropTestDatabase(prod);
});

async function provision(name: string) {
  return provisionSandbox({
    productionUrl: prod,
    sandboxServerUrl: testSandboxServerUrl(),
    databaseName: name,
    sandboxCustomerId: "Cust90015",
    serviceMailboxAddress: "support@sandbox.example",
    options: { kind: "partial", share: { by: "companies", ids: [company] }, users: [{ associateId: 1, userPlan: "complete" }] },
  });
}

describe("a partial copy whose shortcut loses a chosen company's rows", () => {
  it("fails verification on the rows it is missing, and leaves no database behind", async () => {
    fault.dropContact = contact;
    const name = newSandboxName();
    try {
      const error = await provision(name).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SanitizationError);
      expect((error as SanitizationError).code).toBe("VERIFY_FAILED");
      expect((error as SanitizationError).message).toMatch(/appointment: \d+ rows of the chosen companies, production had \d+/);
      expect(await databaseNames()).not.toContain(name);
    } finally {
      fault.dropContact = undefined;
    }
  });

  it("fails whole when production cuts the session counting the chosen rows: no database, no production session, production unchanged", async () => {
    fault.cutChosenCount = true;
    const name = newSandboxName();
    const before = await checksums(prod);
    try {
      const error = await provision(name).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SanitizationError);
      // In the customer's words, as any lost connection: no driver's message, which would name the administrator's command.
      expect((error as SanitizationError).code).toBe("CONNECTION_LOST");
      expect((error as SanitizationError).message).not.toMatch(/terminat|administrator|57P01/i);
      expect(await databaseNames()).not.toContain(name);
      const database = new URL(prod).pathname.slice(1);
      expect(await rows(testServerAdminUrl(), "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database])).toEqual([]);
      expect(await checksums(prod)).toEqual(before);
    } finally {
      fault.cutChosenCount = false;
    }
  });

  it("passes without the fault", async () => {
    const name = newSandboxName();
    try {
      const report = await provision(name);
      expect(report.rules.find((r) => r.rule === 17)?.checks?.every((c) => c.ok)).toBe(true);
    } finally {
      await dropTestDatabase(sandboxUrl(name));
    }
  });
});
