/**
 * Sandboxes are built by a role that can create databases and nothing more: each
 * copy is owned by it and closed to everyone else; a role with more is refused
 * before anything is created, even when it was granted more after registration.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oneOffQuery } from "../db/one-off-query";
import { withDatabase } from "../db/urls";
import { createTestRole, dropTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { EMPTY_CLASSIFICATION } from "./classification";
import { dropSandboxDatabase } from "./drop";
import { provisionSandbox, type ProvisionInput } from "./provision";
import type { RunProgress } from "./progress";
import { describeFailure } from "../jobs/failure";
import { databaseNames, generateProduction, newSandboxName, rows, sandboxUrl } from "../testing/sanitizer-fixtures";

let prod: string;
const made: string[] = [];

function input(sandboxServerUrl: string): ProvisionInput & { databaseName: string } {
  const name = newSandboxName();
  made.push(name);
  return {
    productionUrl: prod,
    sandboxServerUrl,
    databaseName: name,
    sandboxCustomerId: "Cust90007",
    serviceMailboxAddress: "support@sandbox.example",
    options: {},
    classification: EMPTY_CLASSIFICATION,
  };
}

beforeAll(async () => {
  prod = await generateProduction(71);
});

afterAll(async () => {
  for (const name of made) await dropTestDatabase(sandboxUrl(name));
  await dropTestDatabase(prod);
});

describe("a sandbox built by the least-privilege role", () => {
  it("is owned by that role, closed to PUBLIC, and dropped by it", async () => {
    const run = input(testSandboxServerUrl());
    await provisionSandbox(run);
    const [db] = await rows<{ owner: string; acl: string }>(
      testServerAdminUrl(),
      "SELECT pg_get_userbyid(datdba) AS owner, datacl::text AS acl FROM pg_database WHERE datname = $1",
      [run.databaseName],
    );
    const role = new URL(testSandboxServerUrl()).username;
    expect(db?.owner).toBe(role);
    // Only the owner's own entry: no "=c" (PUBLIC may connect) or "=T" (temporary tables) left.
    expect(db?.acl).toBe(`{${role}=CTc/${role}}`);
    const otherMaker = await createTestRole("CREATEDB");
    await expect(oneOffQuery(withDatabase(otherMaker, run.databaseName), "SELECT 1")).rejects.toThrow(/permission denied for database/);

    await dropSandboxDatabase(testSandboxServerUrl(), run.databaseName);
    expect(await databaseNames()).not.toContain(run.databaseName);
  });

  it("is dropped even while a session the role may not end is on it for a moment", async () => {
    const run = input(testSandboxServerUrl());
    await provisionSandbox(run);
    // An operator's session (the server's superuser), which the sandbox role may not terminate, closed after a second.
    const operator = new pg.Client({ connectionString: withDatabase(testServerAdminUrl(), run.databaseName) });
    await operator.connect();
    const closed = new Promise((resolve) => setTimeout(resolve, 1_000)).then(() => operator.end());
    await dropSandboxDatabase(testSandboxServerUrl(), run.databaseName);
    await closed;
    expect(await databaseNames()).not.toContain(run.databaseName);
  });

  it("is never made by a superuser: refused before anything is created", async () => {
    const run = input(testServerAdminUrl());
    await expect(provisionSandbox(run)).rejects.toMatchObject({
      code: "SANDBOX_SERVER_ROLE",
      message: expect.stringContaining("it is a superuser"),
    });
    expect(await databaseNames()).not.toContain(run.databaseName);
  });

  it("tells the customer watching the progress that the server is not set up safely, not its role, memberships or SQL", async () => {
    const maker = await createTestRole("CREATEDB");
    await oneOffQuery(testServerAdminUrl(), `GRANT pg_read_server_files TO "${new URL(maker).username}"`);
    const failedSteps: string[] = [];
    const onProgress = (progress: RunProgress) => void failedSteps.push(...progress.steps.flatMap((step) => (step.state === "failed" ? [step.detail ?? ""] : [])));
    const error = await provisionSandbox({ ...input(maker), onProgress }).then(
      () => expect.fail("the run was not refused"),
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error).toMatchObject({ code: "SANDBOX_SERVER_ROLE", message: expect.stringContaining(new URL(maker).username) });
    // The run's reason leaves the operators' details out (lib/jobs/failure.ts OPERATOR_DETAILS) ...
    expect(describeFailure(error)).not.toContain(new URL(maker).username);
    // ... and so does the failed step on the customer's progress page and the API's progress.
    expect(failedSteps.at(-1)).toBe("The sandbox server is not set up safely, so nothing was created.");
    for (const detail of failedSteps) {
      expect(detail).not.toContain(new URL(maker).username);
      expect(detail).not.toMatch(/pg_read_server_files|CREATE ROLE|CREATEDB|README/);
    }
  });

  it("is refused when the role was granted pg_read_server_files after it was registered", async () => {
    const maker = await createTestRole("CREATEDB");
    await oneOffQuery(testServerAdminUrl(), `GRANT pg_read_server_files TO "${new URL(maker).username}"`);
    const run = input(maker);
    await expect(provisionSandbox(run)).rejects.toMatchObject({
      code: "SANDBOX_SERVER_ROLE",
      message: expect.stringContaining("it is a member of pg_read_server_files"),
    });
    expect(await databaseNames()).not.toContain(run.databaseName);
  });
});
