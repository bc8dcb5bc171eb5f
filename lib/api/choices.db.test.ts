/** The choices endpoint reads the sandbox's customer's production, read-only and bounded; never another customer's. */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { usePortalDatabase } from "../testing/portal-db";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import type { World } from "../testing/test-world";

vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
usePortalDatabase();

const { db } = await import("../db/portal");
const { buildWorld } = await import("../testing/test-world");
const { createToken } = await import("../api-tokens/mutations");
const { loadActor } = await import("../auth/load-actor");
const { sealSecret } = await import("../secrets/secret-box");
const { GET: choicesRoute } = await import("../../app/api/v1/sandboxes/[id]/choices/route");
const { ChoicesSchema } = await import("./schemas");

let world: World;
const tokenFor = async (userId: string, scopes: ("sandboxes:read" | "sandboxes:write")[]) => (await createToken((await loadActor(userId))!, { name: "ci", expiresInDays: 7, scopes })).token;
const choices = (bearer: string, id: string) =>
  choicesRoute(new Request(`http://portal.test/api/v1/sandboxes/${id}/choices`, { headers: { authorization: `Bearer ${bearer}` } }), { params: Promise.resolve({ id }) });

beforeAll(async () => {
  world = await buildWorld();
});
afterAll(async () => {
  await db.$disconnect();
});

describe("GET /api/v1/sandboxes/{id}/choices", () => {
  it("lists production's users and scheduled tasks for the sandbox's own customer", async () => {
    const s = await db.sandbox.create({ data: { tenantId: world.tenantA, orderedById: world.users.adminA, name: "Choices", status: "AWAITING_SETUP", planCounts: {} } });
    const answer = await choices(await tokenFor(world.users.adminA, ["sandboxes:write"]), s.id);
    expect(answer.status).toBe(200);
    const body = ChoicesSchema.parse(await answer.json());
    const production = new pg.Client({ connectionString: world.productionUrl });
    await production.connect();
    const counts = await production.query<{ associates: number; tasks: number }>("SELECT (SELECT count(*)::int FROM associate) AS associates, (SELECT count(*)::int FROM scheduled_task) AS tasks");
    await production.end();
    expect(body.associates).toHaveLength(counts.rows[0]!.associates);
    expect(body.scheduledTasks).toHaveLength(counts.rows[0]!.tasks);
    expect(body.associates.length).toBeGreaterThan(0);

    expect((await choices(await tokenFor(world.users.adminA, ["sandboxes:read"]), s.id)).status).toBe(403);
    expect((await choices(await tokenFor(world.users.adminB, ["sandboxes:write"]), s.id)).status).toBe(404);
  });

  it("answers 503 in plain words when production cannot be reached, with no host or driver message", async () => {
    await db.tenant.update({ where: { id: world.tenantB }, data: { productionUrlEncrypted: sealSecret("postgres://reader:secret@127.0.0.1:1/prod") } });
    const s = await db.sandbox.create({ data: { tenantId: world.tenantB, orderedById: world.users.adminB, name: "Unreachable", status: "AWAITING_SETUP", planCounts: {} } });
    const answer = await choices(await tokenFor(world.users.adminB, ["sandboxes:write"]), s.id);
    expect(answer.status).toBe(503);
    const text = await answer.text();
    expect(JSON.parse(text)).toMatchObject({ code: "production_unavailable" });
    expect(text).not.toMatch(/127\.0\.0\.1|secret|ECONNREFUSED|postgres:/);
  });
});

describe("GET /api/v1/sandboxes/{id}/choices on a production with more users than the portal reads", () => {
  it("answers 422 in the customer's words, without reading them", async () => {
    const url = await createTestDatabase("manyusers");
    try {
      const production = new pg.Client({ connectionString: url });
      await production.connect();
      await production.query(`
        CREATE TABLE associate (id int PRIMARY KEY, username text, full_name text, email text, user_plan text, can_login boolean, is_retired boolean);
        CREATE TABLE scheduled_task (id int PRIMARY KEY, name text, kind text, schedule text, enabled boolean, last_run_at timestamptz);
        INSERT INTO associate SELECT i, 'u' || i, 'User ' || i, NULL, 'complete', true, false FROM generate_series(1, 10001) i;`);
      await production.end();
      await db.tenant.update({ where: { id: world.tenantB }, data: { productionUrlEncrypted: sealSecret(url) } });
      const s = await db.sandbox.create({ data: { tenantId: world.tenantB, orderedById: world.users.adminB, name: "Many users", status: "AWAITING_SETUP", planCounts: {} } });
      const answer = await choices(await tokenFor(world.users.adminB, ["sandboxes:write"]), s.id);
      expect(answer.status).toBe(422);
      expect(await answer.json()).toMatchObject({
        code: "production_refused",
        detail: "There are more than 10,000 of production's users: more than the portal reads. Contact support.",
      });
    } finally {
      await dropTestDatabase(url);
    }
  });
});
