/**
 * A portal database whose schema was not made by migrations (no `_prisma_migrations`) cannot
 * say since when sign-ins are noted: the People pages then say "Not known", and still open.
 */
import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();
const { db } = await import("../db/portal");
const { signInsNotedSince } = await import("./sign-ins-noted");

describe("since when sign-ins are noted", () => {
  it("is unknown, not an error, on a database with no migration history", async () => {
    await db.$executeRawUnsafe("ALTER TABLE _prisma_migrations RENAME TO prisma_migrations_elsewhere");
    try {
      expect(await signInsNotedSince()).toBeNull();
    } finally {
      await db.$executeRawUnsafe("ALTER TABLE prisma_migrations_elsewhere RENAME TO _prisma_migrations");
    }
  });
});
