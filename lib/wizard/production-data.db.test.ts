/**
 * The wizard's first steps read production's lists whole, into the page: a production
 * that makes one of them larger than a page holds is refused in the customer's words.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { withClient } from "../testing/sanitizer-fixtures";
import type { World } from "../testing/test-world";

usePortalDatabase();

const { db } = await import("../db/portal");
const { buildWorld } = await import("../testing/test-world");
const { getWizardProductionData } = await import("./queries");

let world: World;

beforeAll(async () => {
  world = await buildWorld();
});
afterAll(async () => {
  await db.$disconnect();
});

describe("getWizardProductionData", () => {
  it("sums documents per day, and refuses documents made on more different days than a century has", async () => {
    const data = await getWizardProductionData(world.tenantA);
    expect(data.documentDays.length).toBeGreaterThan(0);
    await withClient(world.productionUrl, (c) =>
      c.query(`INSERT INTO document (owner_id, file_name, mime_type, content, size_bytes, created_at)
               SELECT 1, 'd' || i || '.txt', 'text/plain', '\\x00', 1, timestamptz '1900-01-01' + i * interval '1 day' FROM generate_series(1, 36601) i`),
    );
    await expect(getWizardProductionData(world.tenantA)).rejects.toMatchObject({
      code: "PRODUCTION_REFUSED",
      userMessage: "Production's documents were made on more than 36,600 different days: more than the portal reads. Contact support.",
    });
  });
});
