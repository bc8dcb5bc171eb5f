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
const { listAssociateContacts } = await import("../tenants/production");

let world: World;

beforeAll(async () => {
  world = await buildWorld();
});
afterAll(async () => {
  await db.$disconnect();
});

describe("production's values read into the web app", () => {
  it("cut on production what a page or a mail shows of them, however large production made them since", async () => {
    const huge = "x".repeat(200_000);
    const [associate] = (await withClient(world.productionUrl, (c) => c.query<{ id: number }>("SELECT min(id) AS id FROM associate"))).rows;
    const before = (await withClient(world.productionUrl, (c) => c.query("SELECT environment FROM installation"))).rows[0]!.environment as string;
    const original = (await withClient(world.productionUrl, (c) => c.query("SELECT full_name, username, email FROM associate WHERE id = $1", [associate!.id]))).rows[0]!;
    await withClient(world.productionUrl, (c) => c.query("UPDATE associate SET full_name = $2, username = $2, email = $2 WHERE id = $1", [associate!.id, huge]));
    try {
      const [contact] = await listAssociateContacts(world.tenantA, [associate!.id]);
      expect(contact).toMatchObject({ fullName: huge.slice(0, 256), username: huge.slice(0, 256), email: null });
    } finally {
      await withClient(world.productionUrl, (c) =>
        c.query("UPDATE associate SET full_name = $2, username = $3, email = $4 WHERE id = $1", [associate!.id, original.full_name, original.username, original.email]),
      );
    }

    await withClient(world.productionUrl, (c) => c.query("UPDATE installation SET environment = $1", [`production${huge}`]));
    try {
      expect((await getWizardProductionData(world.tenantA)).environment).toHaveLength(64);
    } finally {
      await withClient(world.productionUrl, (c) => c.query("UPDATE installation SET environment = $1", [before]));
    }
  });
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
