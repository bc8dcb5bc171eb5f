/**
 * The run's phases overlap where they can (the left-out tables are counted while the
 * database is being created), and still a failure anywhere leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl } from "../testing/pg";
import { EMPTY_CLASSIFICATION } from "./classification";
import { provisionSandbox, type ProvisionInput } from "./provision";
import { databaseNames, generateProduction, newSandboxName, sandboxUrl } from "../testing/sanitizer-fixtures";

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
    // Long enough for a CREATE DATABASE the run did not wait for to have finished.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
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
