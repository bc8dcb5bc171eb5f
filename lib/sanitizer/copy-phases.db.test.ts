/**
 * The run's phases overlap where they can (the left-out tables are counted while the
 * database is being created), and still a failure anywhere leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { EMPTY_CLASSIFICATION } from "./classification";
import { provisionSandbox, type ProvisionInput } from "./provision";
import { databaseNames, generateProduction, newSandboxName, rows, sandboxUrl, scalar } from "../testing/sanitizer-fixtures";

let prod: string;

beforeAll(async () => {
  prod = await generateProduction(23);
});

afterAll(async () => {
  await dropTestDatabase(prod);
});

const configRun = (extra: Partial<ProvisionInput> = {}): ProvisionInput => ({
  productionUrl: prod,
  sandboxServerUrl: testSandboxServerUrl(),
  databaseName: newSandboxName(),
  sandboxCustomerId: "Cust90023",
  serviceMailboxAddress: "support@sandbox.example",
  options: { kind: "config" },
  classification: EMPTY_CLASSIFICATION,
  ...extra,
});

describe("a configuration-only run's phases", () => {
  it("a failure while the left-out tables are counted leaves no database behind, even one still being created", async () => {
    const run = configRun({
      beforeStep: async (key) => {
        // A left-out table: counted while CREATE DATABASE runs.
        if (key === "table:contact") throw new Error("production went away (simulated)");
      },
    });
    await expect(provisionSandbox(run)).rejects.toMatchObject({ code: "COPY_FAILED", message: expect.stringContaining("production went away") });
    // The run waited for its CREATE DATABASE before failing: none is still running on the server
    // (one still running would make the database after the run's clean-up, left behind)…
    const stillCreating = await rows<{ pid: number }>(
      testServerAdminUrl(),
      `SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND query ILIKE 'CREATE DATABASE%' AND position($1 in query) > 0`,
      [run.databaseName],
    );
    expect(stillCreating).toEqual([]);
    // …and the one it made is gone again.
    expect(await databaseNames()).not.toContain(run.databaseName);
  });

  it("reports the time of every phase, and counts the left-out rows before any row is copied", async () => {
    const phases: string[] = [];
    const run = configRun({ onPhase: (phase) => phases.push(phase) });
    try {
      const report = await provisionSandbox(run);
      expect(report.rules.find((r) => r.rule === 17)?.changes["contact left out"]).toBeGreaterThan(0);
    } finally {
      await dropTestDatabase(sandboxUrl(run.databaseName));
    }
    for (const phase of ["open snapshot", "read schema", "count left-out rows", "create database", "tables (DDL)", "copy rows", "indexes", "after-copy rules", "verify", "analyze"]) {
      expect(phases, phase).toContain(phase);
    }
    expect(phases.indexOf("count left-out rows")).toBeLessThan(phases.indexOf("copy rows"));
  });
});

/** The copy's tables (the contract's names: no quoting needed), each with how many indexes it has. */
const INDEXES_PER_TABLE = `SELECT c.relname AS table, (SELECT count(*)::int FROM pg_index i WHERE i.indrelid = c.oid) AS indexes
                             FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' ORDER BY 1`;

describe("a full run's phases", () => {
  it("builds each table's keys and indexes as soon as its rows are in, so that only the empty tables' are left once the rows are", async () => {
    const name = newSandboxName();
    /** Per table of the copy: whether it has rows, and its indexes, when the run reaches its index step. */
    let atIndexStep: { table: string; has_rows: boolean; indexes: number }[] = [];
    const run = configRun({
      databaseName: name,
      options: {},
      beforeStep: async (key) => {
        if (key !== "indexes") return;
        const tables = await rows<{ table: string; indexes: number }>(sandboxUrl(name), INDEXES_PER_TABLE);
        atIndexStep = [];
        for (const t of tables) {
          const hasRows = (await scalar(sandboxUrl(name), `SELECT EXISTS (SELECT 1 FROM public."${t.table}")::text`)) === "true";
          atIndexStep.push({ ...t, has_rows: hasRows });
        }
      },
    });
    try {
      await provisionSandbox(run);
      const final = new Map((await rows<{ table: string; indexes: number }>(sandboxUrl(name), INDEXES_PER_TABLE)).map((r) => [r.table, r.indexes]));
      const loaded = atIndexStep.filter((t) => t.has_rows);
      // The companies, contacts, sales… had their primary key and every index before the index step began.
      expect(loaded.map((t) => t.table)).toEqual(expect.arrayContaining(["appointment", "company", "contact", "sale", "ticket"]));
      for (const t of loaded) expect(t.indexes, t.table).toBe(final.get(t.table));
      // Tables the copy leaves empty get theirs in one round trip after the rows.
      expect(atIndexStep.find((t) => t.table === "inbox_message")?.indexes).toBe(0);
    } finally {
      await dropTestDatabase(sandboxUrl(name));
    }
  });
});
