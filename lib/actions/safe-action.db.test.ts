import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { usePortalDatabase } from "../testing/portal-db";
import { session } from "@/lib/testing/fake-session";

// The session is the one thing faked: everything behind it (the user re-read, roles, tenants) is real.
vi.mock("next-auth", () => import("@/lib/testing/fake-session"));

usePortalDatabase();

const { db } = await import("../db/portal");
const { protectedAction } = await import("./safe-action");
const { assertTenantAccess } = await import("../auth/actor");
const { WRITES_PER_WINDOW } = await import("./write-bound");

const ids = { admin: "", user: "", operator: "", tenantA: "", tenantB: "" };

/** A tenant-scoped action built the way every real action is. */
const renameTenantNote = protectedAction(
  { permission: "sandbox.order", schema: z.object({ tenantId: z.string().min(1), note: z.string().min(3, "Too short") }) },
  async ({ actor, input }) => {
    assertTenantAccess(actor, "sandbox.order", input.tenantId);
    return { tenantId: input.tenantId, note: input.note };
  },
);

describe("protectedAction", () => {
  beforeAll(async () => {
    const tenant = (customerId: string) =>
      db.tenant.create({ data: { customerId, companyName: customerId, productionUrlEncrypted: "x" } });
    ids.tenantA = (await tenant("Cust1")).id;
    ids.tenantB = (await tenant("Cust2")).id;
    const user = (email: string, role: "CUSTOMER_ADMIN" | "CUSTOMER_USER" | "OPERATOR", tenantId: string | null) =>
      db.user.create({ data: { email, name: email, role, tenantId, passwordHash: "-" } });
    ids.admin = (await user("admin@a.example", "CUSTOMER_ADMIN", ids.tenantA)).id;
    ids.user = (await user("user@a.example", "CUSTOMER_USER", ids.tenantA)).id;
    ids.operator = (await user("op@example.com", "OPERATOR", null)).id;
  });
  beforeEach(() => {
    session.current = null;
  });

  it("refuses without a session", async () => {
    expect(await renameTenantNote({ tenantId: ids.tenantA, note: "hello" })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
  });

  it("refuses a role without the permission", async () => {
    session.current = { userId: ids.user };
    expect(await renameTenantNote({ tenantId: ids.tenantA, note: "hello" })).toMatchObject({ ok: false, code: "FORBIDDEN" });
  });

  it("refuses another tenant's id", async () => {
    session.current = { userId: ids.admin };
    expect(await renameTenantNote({ tenantId: ids.tenantB, note: "hello" })).toMatchObject({ ok: false, code: "FORBIDDEN" });
  });

  it("returns field errors for bad input", async () => {
    session.current = { userId: ids.admin };
    const result = await renameTenantNote({ tenantId: ids.tenantA, note: "x" });
    expect(result).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { note: ["Too short"] } });
  });

  it("lists at most 50 problems, however many the input has", async () => {
    const many = protectedAction({ permission: "sandbox.order", schema: z.object({ notes: z.array(z.string()) }) }, async () => ({}));
    session.current = { userId: ids.admin };
    const result = await many({ notes: Array.from({ length: 10_000 }, () => 1) as unknown as string[] });
    expect(result).toMatchObject({ ok: false, code: "INVALID_INPUT" });
    expect(Object.keys((result as { fieldErrors: Record<string, string[]> }).fieldErrors)).toHaveLength(50);
  });

  it("runs for the tenant's own admin", async () => {
    session.current = { userId: ids.admin };
    expect(await renameTenantNote({ tenantId: ids.tenantA, note: "hello" })).toEqual({ ok: true, data: { tenantId: ids.tenantA, note: "hello" } });
  });

  it("re-reads the account: a deleted user's session no longer works", async () => {
    const ghost = await db.user.create({ data: { email: "ghost@a.example", name: "G", role: "CUSTOMER_ADMIN", tenantId: ids.tenantA, passwordHash: "-" } });
    session.current = { userId: ghost.id };
    await db.user.delete({ where: { id: ghost.id } });
    expect(await renameTenantNote({ tenantId: ids.tenantA, note: "hello" })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
  });

  it("rejects a session issued before the password was changed", async () => {
    await db.user.update({ where: { id: ids.admin }, data: { passwordChangedAt: new Date() } });
    session.current = { userId: ids.admin, authAt: Math.floor(Date.now() / 1000) - 3600 };
    expect(await renameTenantNote({ tenantId: ids.tenantA, note: "hello" })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
  });

  it("bounds one person's writing actions in a window, with a plain message; others are not held up", async () => {
    let written = 0;
    const tick = protectedAction({ permission: "sandbox.view", schema: z.object({}), writes: true }, async () => ({ written: ++written }));
    session.current = { userId: ids.admin };
    for (let i = 0; i < WRITES_PER_WINDOW; i++) expect(await tick({})).toMatchObject({ ok: true });
    const refused = await tick({});
    expect(refused).toMatchObject({ ok: false, code: "TOO_MANY_ATTEMPTS" });
    expect(refused.ok ? "" : refused.message).toMatch(/^You have made \d+ changes in the last \d+ minutes, the most allowed: try again in \d+ minutes?\.$/);
    expect(written).toBe(WRITES_PER_WINDOW);
    // A reading action is not counted, and another person writes on.
    expect(await renameTenantNote({ tenantId: ids.tenantA, note: "hello" })).toMatchObject({ ok: true });
    session.current = { userId: ids.user };
    expect(await tick({})).toMatchObject({ ok: true });
    expect(written).toBe(WRITES_PER_WINDOW + 1);
  });
});
