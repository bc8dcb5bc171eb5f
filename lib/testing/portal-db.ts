/**
 * A migrated portal database of its own for one test file, with the
 * environment the app's modules expect. Call at the top of a test file,
 * before anything reads the environment.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { applyMigrations } from "../db/migrate";
import { closeToPublic } from "../db/sandbox-role";
import { databaseNameOf } from "../db/urls";
import { createTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "./pg";

export function usePortalDatabase(): void {
  beforeAll(async () => {
    const url = await createTestDatabase("portal");
    await applyMigrations(url);
    // As the launcher does: the sandbox role cannot reach the portal's database.
    await closeToPublic(testServerAdminUrl(), databaseNameOf(url));
    process.env.DATABASE_URL = url;
    process.env.SANDBOX_SERVER_URL = testSandboxServerUrl();
    process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64url");
    process.env.DATABASE_SECRETS_KEY ??= randomBytes(32).toString("base64");
  });
  afterAll(async () => {
    const { db } = await import("../db/portal");
    await db.$disconnect();
  });
}
