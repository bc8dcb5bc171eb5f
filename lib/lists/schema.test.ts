import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor";
import { orderListSchema, sandboxListSchema, SANDBOX_SORTS } from "../sandboxes/list-schema";
import { tenantListSchema, TENANT_SORTS } from "../tenants/list-schema";

describe("list cursors", () => {
  it("carry any name, a date, a count or an empty value back as they were", () => {
    const name = { value: "Ærlig_test / ø?&=#", id: "s_1" };
    expect(decodeCursor(encodeCursor(name), SANDBOX_SORTS.name)).toEqual(name);
    const when = { value: new Date("2026-11-30T10:00:00.123Z"), id: "s_2" };
    expect(decodeCursor(encodeCursor(when), SANDBOX_SORTS.created)).toEqual(when);
    expect(decodeCursor(encodeCursor({ value: 12, id: "t_1" }), TENANT_SORTS.sandboxes)).toEqual({ value: 12, id: "t_1" });
    expect(decodeCursor(encodeCursor({ value: null, id: "s_3" }), SANDBOX_SORTS.refreshed)).toEqual({ value: null, id: "s_3" });
  });

  it("are refused when damaged or made for another column", () => {
    const byName = encodeCursor({ value: "UAT", id: "s_1" });
    expect(decodeCursor(byName, SANDBOX_SORTS.created)).toBeNull();
    expect(decodeCursor(byName, SANDBOX_SORTS.status)).toBeNull();
    expect(decodeCursor(encodeCursor({ value: null, id: "s_1" }), SANDBOX_SORTS.name)).toBeNull();
    for (const junk of ["", "%%%", "bm90IGpzb24", btoa("[1,2,3]"), btoa('["x",""]'), btoa(`["x","${"i".repeat(65)}"]`)]) {
      expect(decodeCursor(junk, SANDBOX_SORTS.name)).toBeNull();
    }
  });
});

describe("list URLs", () => {
  it("read filters, a sort either way and a page cursor", () => {
    const after = encodeCursor({ value: "UAT", id: "s_1" });
    const query = sandboxListSchema.parse({ q: " uat ", status: "READY", customer: "Cust1", orderer: "ingrid", from: "2026-11-01", to: "2026-11-30", sort: "-name", after, deleted: "shown" });
    expect(query).toEqual({
      q: "uat",
      status: "READY",
      customer: "Cust1",
      orderer: "ingrid",
      from: new Date("2026-11-01T00:00:00.000Z"),
      to: new Date("2026-11-30T00:00:00.000Z"),
      deleted: "shown",
      sort: { key: "name", dir: "desc" },
      after: { value: "UAT", id: "s_1" },
    });
  });

  it("fall back to the defaults, one parameter at a time, for junk", () => {
    const junk = {
      q: "x".repeat(201),
      status: "EXPLODED",
      from: "2026-02-31",
      to: "yesterday",
      sort: "-password",
      after: "junk",
      deleted: "yes please",
      customer: ["Cust1", "Cust2"],
      extra: "ignored",
    };
    expect(sandboxListSchema.parse(junk)).toEqual({ customer: "Cust1", sort: { key: "created", dir: "desc" } });
    expect(orderListSchema.parse({ sort: ["confirmed", "-name"], before: 42 })).toEqual({ sort: { key: "confirmed", dir: "asc" } });
    expect(tenantListSchema.parse({ sort: "'; DROP TABLE", q: { nested: 1 } })).toEqual({ sort: { key: "customer", dir: "asc" } });
    expect(sandboxListSchema.parse({})).toEqual({ sort: { key: "created", dir: "desc" } });
  });

  it("start from the first page when a cursor belongs to another sort, or both directions are asked", () => {
    const byName = encodeCursor({ value: "UAT", id: "s_1" });
    expect(sandboxListSchema.parse({ sort: "created", after: byName }).after).toBeUndefined();
    const both = sandboxListSchema.parse({ sort: "name", after: byName, before: byName });
    expect([both.after, both.before]).toEqual([undefined, undefined]);
  });
});
