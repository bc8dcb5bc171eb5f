/** An operator's per-tenant copy rate: validated, audited, and what the tenant's next run reads production at. */
import { beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { tenantCopyRateMBps } from "../config/copy-limits";

usePortalDatabase();

const { db } = await import("../db/portal");
const { setTenantCopyRate } = await import("./copy-rate");
const { TenantSettingError } = await import("./setting-error");

const rateOf = async () => (await db.tenant.findUniqueOrThrow({ where: { customerId: "CustRate1" } })).copyRateLimitMBps;

describe("a tenant's copy rate", () => {
  beforeAll(async () => {
    await db.tenant.create({ data: { customerId: "CustRate1", companyName: "Rate AS", productionUrlEncrypted: "x" } });
  });

  it("follows COPY_RATE_LIMIT_MBPS until an operator sets one, and overrides it after, 0 lifting any cap", () => {
    expect(tenantCopyRateMBps({ copyRateLimitMBps: null }, { rateLimitMBps: 20 })).toBe(20);
    expect(tenantCopyRateMBps({ copyRateLimitMBps: 5 }, { rateLimitMBps: 20 })).toBe(5);
    expect(tenantCopyRateMBps({ copyRateLimitMBps: 0 }, { rateLimitMBps: 20 })).toBe(0);
  });

  it("is set, reset to the default, and every change is audited with its before and after", async () => {
    await setTenantCopyRate("CustRate1", 5);
    expect(await rateOf()).toBe(5);
    await setTenantCopyRate("CustRate1", null);
    expect(await rateOf()).toBeNull();
    const events = await db.auditEvent.findMany({ where: { action: "tenant.copyRate.changed" }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.details)).toEqual([
      { via: "operator CLI", fromMBps: null, toMBps: 5 },
      { via: "operator CLI", fromMBps: 5, toMBps: null },
    ]);
  });

  it("refuses a negative, absurd or unknown-tenant setting and leaves the rate as it was", async () => {
    await setTenantCopyRate("CustRate1", 7.5);
    await expect(setTenantCopyRate("CustRate1", -1)).rejects.toThrow(TenantSettingError);
    await expect(setTenantCopyRate("CustRate1", 1e9)).rejects.toThrow("at most 10000 MB/s");
    await expect(setTenantCopyRate("CustRate1", Number.NaN)).rejects.toThrow(TenantSettingError);
    await expect(setTenantCopyRate("NoSuchCustomer", 3)).rejects.toThrow("No tenant has customer id NoSuchCustomer");
    expect(await rateOf()).toBe(7.5);
  });
});
