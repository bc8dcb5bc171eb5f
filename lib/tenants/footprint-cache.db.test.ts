/**
 * Production's size figures (the order page, the customer list): two views within a minute read production once
 * (counted as sessions opened on production's database), concurrent views share
 * one reading, a failed reading is not kept, and a minute later production is read again.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { oneOffQuery } from "../db/one-off-query";
import { createTestDatabase, testServerAdminUrl } from "../testing/pg";
import { usePortalDatabase } from "../testing/portal-db";
import { databaseNameOf } from "../db/urls";

usePortalDatabase();

const { db } = await import("../db/portal");
const { sealSecret } = await import("../secrets/secret-box");
const { FOOTPRINT_CACHE, getProductionFootprint, getTenantProductionSize } = await import("./production");

/** Sessions ever opened on `url`'s database (pg_stat_database counts them when they end). */
async function sessionsOn(url: string): Promise<number> {
  const read = async () => {
    const [row] = await oneOffQuery<{ sessions: string }>(testServerAdminUrl(), "SELECT pg_stat_clear_snapshot(), sessions::text FROM pg_stat_database WHERE datname = $1", [databaseNameOf(url)]);
    return Number(row?.sessions ?? 0);
  };
  // A session's end is counted a moment after it closes: wait until the count settles.
  let last = await read();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = await read();
    if (now === last) return now;
    last = now;
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe("production's size figures for the order page", () => {
  it("are read once per tenant per minute, however many views ask", async () => {
    const productionUrl = await createTestDatabase("footprint");
    const tenant = await db.tenant.create({ data: { customerId: "Cust6161", companyName: "Cache AS", productionUrlEncrypted: sealSecret(productionUrl) } });
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-01T10:00:00Z") });

    const before = await sessionsOn(productionUrl);
    const [first, second] = await Promise.all([getProductionFootprint(tenant.id), getProductionFootprint(tenant.id)]);
    const third = await getProductionFootprint(tenant.id);
    expect(first.databaseBytes).toBeGreaterThan(0);
    expect([second, third]).toEqual([first, first]);
    expect(await sessionsOn(productionUrl)).toBe(before + 1);

    vi.setSystemTime(Date.now() + FOOTPRINT_CACHE.ttlMs + 1);
    await getProductionFootprint(tenant.id);
    expect(await sessionsOn(productionUrl)).toBe(before + 2);
  });

  it("the customer list's size: once per tenant per minute too", async () => {
    const productionUrl = await createTestDatabase("size");
    const tenant = await db.tenant.create({ data: { customerId: "Cust6163", companyName: "Size AS", productionUrlEncrypted: sealSecret(productionUrl) } });
    const before = await sessionsOn(productionUrl);
    const sizes = await Promise.all([1, 2, 3].map(() => getTenantProductionSize(tenant.id, productionUrl)));
    expect(sizes[0]).toBeGreaterThan(0);
    expect(await getTenantProductionSize(tenant.id, productionUrl)).toBe(sizes[0]);
    expect(await sessionsOn(productionUrl)).toBe(before + 1);
  });

  it("does not keep a failure: the next view asks production again", async () => {
    const productionUrl = await createTestDatabase("footprint_gone");
    const tenant = await db.tenant.create({ data: { customerId: "Cust6162", companyName: "Gone AS", productionUrlEncrypted: sealSecret(productionUrl) } });
    await db.tenant.update({ where: { id: tenant.id }, data: { productionUrlEncrypted: sealSecret(productionUrl.replace(/\/[^/]+$/, "/no_such_database")) } });
    await expect(getProductionFootprint(tenant.id)).rejects.toMatchObject({ code: "PRODUCTION_UNREACHABLE" });
    await db.tenant.update({ where: { id: tenant.id }, data: { productionUrlEncrypted: sealSecret(productionUrl) } });
    expect((await getProductionFootprint(tenant.id)).databaseBytes).toBeGreaterThan(0);
  });
});
