/** The staff page's actions: operators only, checked on the server; audited; a URL's password never comes back. */
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestRole, testServerAdminUrl } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { buildWorld } = await import("../testing/test-world");
const { addServerAction, changeServerAction } = await import("./actions");
const { BUILT_IN_SERVER_ID } = await import("./registry");

let world: World;
let makerUrl = "";
const capacity = { maxDatabases: "", maxTotalGb: "", maxConcurrentRuns: "" };
const settings = (overrides: Record<string, unknown> = {}) => ({ id: BUILT_IN_SERVER_ID, name: "built-in", draining: true, ...capacity, ...overrides });

describe("the sandbox servers page's actions", () => {
  beforeAll(async () => {
    world = await buildWorld();
    makerUrl = await createTestRole("CREATEDB");
  }, 120_000);
  beforeEach(() => signInAs(null));

  it("refuse anyone but an operator: signed out, customer admin, sales rep", async () => {
    const servers = () => db.sandboxServer.findMany({ orderBy: { name: "asc" }, select: { name: true, state: true, maxDatabases: true, maxTotalBytes: true, maxConcurrentRuns: true } });
    const serversBefore = await servers();
    const auditBefore = await db.auditEvent.count();
    expect(serversBefore).toContainEqual(expect.objectContaining({ name: "built-in", state: "ACTIVE" }));
    for (const [who, code] of [[null, "UNAUTHENTICATED"], [world.users.adminA, "FORBIDDEN"], [world.users.sales, "FORBIDDEN"]] as const) {
      signInAs(who);
      expect(await addServerAction({ name: "sneaky", url: makerUrl, ...capacity })).toMatchObject({ ok: false, code });
      expect(await changeServerAction(settings())).toMatchObject({ ok: false, code });
    }
    // Nothing added, drained or resized, and nothing audited.
    expect(await servers()).toEqual(serversBefore);
    expect(await db.auditEvent.count()).toBe(auditBefore);
  });

  it("let an operator register, drain and size servers, audited, without the URL's password anywhere", async () => {
    signInAs(world.users.operator);
    const added = await addServerAction({ name: "pg-eu-1", url: makerUrl, maxDatabases: "50", maxTotalGb: "2", maxConcurrentRuns: "4" });
    expect(added).toEqual({ ok: true, data: { name: "pg-eu-1", caution: null } });
    const server = await db.sandboxServer.findUniqueOrThrow({ where: { name: "pg-eu-1" } });
    expect(server).toMatchObject({ maxDatabases: 50, maxTotalBytes: 2n * 1024n ** 3n, maxConcurrentRuns: 4, state: "ACTIVE" });

    expect(await changeServerAction(settings({ id: server.id, name: "pg-eu-1b", maxDatabases: "60" }))).toEqual({
      ok: true,
      data: { name: "pg-eu-1b", intake: "Draining: no new sandboxes go to it; the ones on it keep working." },
    });
    expect(await db.sandboxServer.findUniqueOrThrow({ where: { id: server.id } })).toMatchObject({ name: "pg-eu-1b", state: "DRAINING", maxDatabases: 60, maxTotalBytes: null });
    // Limits set below what it holds fill it at once, and the answer says so rather than that it takes sandboxes.
    const tenant = await db.tenant.findFirstOrThrow({ select: { id: true } });
    await db.sandbox.create({ data: { tenantId: tenant.id, orderedById: world.users.adminA, name: "On pg-eu-1b", status: "READY", planCounts: {}, sandboxServerId: server.id, sizeBytes: 5_000_000n } });
    expect(await changeServerAction(settings({ id: server.id, name: "pg-eu-1b", draining: false, maxDatabases: "1", maxTotalGb: "0.001" }))).toEqual({
      ok: true,
      data: { name: "pg-eu-1b", intake: "Full: no new sandboxes go to it until some are deleted or its limits are raised (sandboxes 1 of 1, size 4.8 MB of 1.0 MB)." },
    });
    expect(await changeServerAction(settings({ id: server.id, name: "pg-eu-1b", draining: false, maxDatabases: "2" }))).toMatchObject({ data: { intake: "It takes new sandboxes." } });
    // A size typed with three decimals reads back as typed.
    const { capacityToForm } = await import("./schema");
    expect(capacityToForm({ maxDatabases: null, maxTotalBytes: Number(BigInt(Math.round(0.001 * 1024 ** 3))), maxConcurrentRuns: null }).maxTotalGb).toBe("0.001");

    const audit = await db.auditEvent.findMany({ where: { targetId: server.id }, orderBy: { createdAt: "asc" }, select: { action: true, actorId: true, tenantId: true, details: true } });
    expect(audit.map((a) => [a.action, a.actorId, a.tenantId])).toEqual([
      ["sandboxServer.registered", world.users.operator, null],
      ["sandboxServer.changed", world.users.operator, null],
      ["sandboxServer.changed", world.users.operator, null],
      ["sandboxServer.changed", world.users.operator, null],
    ]);
    const password = decodeURIComponent(new URL(makerUrl).password);
    // Anywhere: in no audit entry at all, not only this server's.
    expect(JSON.stringify(await db.auditEvent.findMany({ select: { details: true } }))).not.toContain(password);
    expect(JSON.stringify(added)).not.toContain(password);
  });

  it("register a server that lets a connection sign in as long as a drop may take, and tell the operator what to set there", async () => {
    signInAs(world.users.operator);
    // The test server ends an unfinished sign-in after 10 s: a drop bound of 10 s is no longer than that.
    vi.stubEnv("SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS", "10");
    try {
      expect(await addServerAction({ name: "pg-slow-sign-in", url: makerUrl, ...capacity })).toEqual({
        ok: true,
        data: {
          name: "pg-slow-sign-in",
          caution:
            "the sandbox server waits 10 s for a connection to finish signing in (authentication_timeout), no less than a drop may take (10 s), and every DROP DATABASE there waits for such connections: set it well below that there (README, Security)",
        },
      });
    } finally {
      vi.unstubAllEnvs();
    }
    expect(await db.sandboxServer.count({ where: { name: "pg-slow-sign-in" } })).toBe(1);
  });

  it("explain a name taken, a bad capacity, a role that can do more, and a server that does not answer, in the portal's words", async () => {
    signInAs(world.users.operator);
    expect(await addServerAction({ name: "built-in", url: makerUrl, ...capacity })).toMatchObject({ ok: false, code: "INVALID_INPUT", message: 'A sandbox server named "built-in" already exists.' });
    expect(await addServerAction({ name: "x", url: makerUrl, ...capacity, maxConcurrentRuns: "0" })).toMatchObject({
      ok: false,
      fieldErrors: { maxConcurrentRuns: ["Enter a number from 1 to 1000, or leave it empty."] },
    });
    const tooMuch = await addServerAction({ name: "x", url: testServerAdminUrl(), ...capacity });
    expect(tooMuch).toMatchObject({ ok: false, code: "INVALID_INPUT", message: expect.stringMatching(/must be able to create databases and nothing more/) });
    // No driver message, host or password: which part of the URL to check.
    const refusedWith = async (change: (url: URL) => void, words: string) => {
      const url = new URL(makerUrl);
      change(url);
      expect(await addServerAction({ name: "x", url: url.toString(), ...capacity })).toEqual({ ok: false, code: "INVALID_INPUT", message: `Cannot connect to that sandbox server: ${words}.`, fieldErrors: undefined });
    };
    await refusedWith((url) => (url.port = "1"), "nothing answers at that host and port");
    await refusedWith((url) => (url.password = "not-its-password"), "the server refused that user name or password");
    await refusedWith((url) => (url.pathname = "/no_such_database"), "the server has no database of that name");
    await refusedWith((url) => (url.hostname = "sandbox-db.invalid"), "its host name was not found");
    expect(await db.sandboxServer.count({ where: { name: "x" } })).toBe(0);
  });

  it("refuse, under REQUIRE_DATABASE_TLS, a server reached over the network without checked TLS, before connecting to it", async () => {
    signInAs(world.users.operator);
    const remote = new URL(makerUrl);
    remote.hostname = "sandbox-db.invalid";
    vi.stubEnv("REQUIRE_DATABASE_TLS", "true");
    try {
      const refused = await addServerAction({ name: "x", url: remote.toString(), ...capacity });
      expect(refused).toEqual({
        ok: false,
        code: "INVALID_INPUT",
        message: "That URL does not ask for an encrypted connection whose server is checked, which this portal requires (REQUIRE_DATABASE_TLS): add sslmode=verify-full and sslrootcert.",
        fieldErrors: undefined,
      });
      // Loopback never leaves the machine: the same role by its local address is taken.
      expect(await addServerAction({ name: "local-maker", url: makerUrl, ...capacity })).toEqual({ ok: true, data: { name: "local-maker", caution: null } });
    } finally {
      vi.unstubAllEnvs();
    }
    expect(await db.sandboxServer.count({ where: { name: "x" } })).toBe(0);
  });
});
