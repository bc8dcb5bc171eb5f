/**
 * 503 answers say when to ask again where the portal knows a sensible wait (RFC 9110's
 * Retry-After), as the OpenAPI document says; a full pool has no foreseeable end, so none.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
usePortalDatabase();

const { db } = await import("../db/portal");
const { createToken } = await import("../api-tokens/mutations");
const { loadActor } = await import("../auth/load-actor");
const { AppError } = await import("../errors");
const { apiRoute } = await import("./route");
const { openApiDocument } = await import("./openapi");

let bearer = "";
beforeAll(async () => {
  const tenantId = (await db.tenant.create({ data: { customerId: "Cust54001", companyName: "Alpha AS", productionUrlEncrypted: "sealed" } })).id;
  const admin = (await db.user.create({ data: { email: "retry-after@alpha.example", name: "CI Admin", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
  bearer = (await createToken((await loadActor(admin))!, { name: "ci", expiresInDays: 7, scopes: ["sandboxes:read"] })).token;
});

const refusedWith = (error: InstanceType<typeof AppError>) =>
  apiRoute("sandboxes:read", () => Promise.reject(error))(new Request("http://portal.test/api/v1/sandboxes", { headers: { authorization: `Bearer ${bearer}` } }), { params: Promise.resolve({}) });

describe("a 503's Retry-After", () => {
  it("asks a pipeline to wait a minute for a busy production, five for one out of reach, and names no time for a full pool", async () => {
    const busy = await refusedWith(new AppError("PRODUCTION_BUSY"));
    expect([busy.status, (await busy.json()).code, busy.headers.get("retry-after")]).toEqual([503, "production_unavailable", "60"]);
    const unreachable = await refusedWith(new AppError("PRODUCTION_UNREACHABLE"));
    expect([unreachable.status, unreachable.headers.get("retry-after")]).toEqual([503, "300"]);
    const full = await refusedWith(new AppError("NO_CAPACITY"));
    expect([full.status, (await full.json()).code, full.headers.get("retry-after")]).toEqual([503, "no_capacity", null]);
  });

  it("is in the OpenAPI document for production_unavailable", () => {
    const progress = openApiDocument().paths["/sandboxes/{id}/setup"]!.post as { responses: Record<string, { headers?: Record<string, unknown> }> };
    expect(progress.responses["503"]!.headers).toHaveProperty("Retry-After");
  });
});
