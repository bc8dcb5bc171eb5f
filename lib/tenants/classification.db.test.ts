/**
 * Each tenant's own classification: stored in the portal database under the file's
 * rules, laid over the file's defaults, and what that tenant's runs and retry
 * checks copy by (another tenant still sees the defaults alone).
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { makeTempDir } from "../testing/temp-dir";

usePortalDatabase();

const { db } = await import("../db/portal");
const { setTenantClassification, tenantClassification } = await import("./classification");
const { TenantSettingError } = await import("./setting-error");
const { describeFailure, technicalDetail } = await import("../jobs/failure");

let folder = "";
const ids = { own: "", other: "" };

describe("a tenant's own classification", () => {
  beforeAll(async () => {
    folder = await makeTempDir("tenant-classification-");
    const defaults = path.join(folder, "defaults.json");
    await writeFile(defaults, JSON.stringify({ columns: { "company.loyalty_tier": "keep", "contact.pet_name": "keep" }, tables: { legacy_log: "copy" } }));
    vi.stubEnv("CRM_CLASSIFICATION_FILE", defaults);
    ids.own = (await db.tenant.create({ data: { customerId: "CustClass1", companyName: "Own AS", productionUrlEncrypted: "x" } })).id;
    ids.other = (await db.tenant.create({ data: { customerId: "CustClass2", companyName: "Other AS", productionUrlEncrypted: "x" } })).id;
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
  });

  it("lies over the defaults for its tenant only: its choice wins for the same column, object or table", async () => {
    await setTenantClassification("CustClass1", {
      columns: { "contact.pet_name": "clear", "sale.region_code": "keep" },
      tables: { legacy_log: "skip" },
      objects: [{ kind: "trigger", table: "company", name: "audit_company", treatment: "leave-out" }],
    });
    expect(await tenantClassification(ids.own)).toEqual({
      columns: { "company.loyalty_tier": "keep", "contact.pet_name": "clear", "sale.region_code": "keep" },
      tables: { legacy_log: "skip" },
      objects: [{ kind: "trigger", table: "company", name: "audit_company", treatment: "leave-out" }],
    });
    expect(await tenantClassification(ids.other)).toEqual({
      columns: { "company.loyalty_tier": "keep", "contact.pet_name": "keep" },
      tables: { legacy_log: "copy" },
      objects: [],
    });
  });

  it("refuses what the file's rules refuse, naming each problem, and keeps what was stored", async () => {
    const before = await tenantClassification(ids.own);
    const refused = setTenantClassification("CustClass1", {
      columns: { "company.name": "clear" },
      objects: [{ kind: "trigger", table: "company", name: "audit_company", treatment: "copy" }],
    });
    await expect(refused).rejects.toThrow(TenantSettingError);
    await expect(refused).rejects.toThrow("company.name is a contract column");
    await expect(refused).rejects.toThrow("it can only be left out");
    await expect(setTenantClassification("NoSuchCustomer", {})).rejects.toThrow("No tenant has customer id NoSuchCustomer");
    expect(await tenantClassification(ids.own)).toEqual(before);
  });

  it("is cleared back to the defaults, and every change is audited", async () => {
    await setTenantClassification("CustClass1", null);
    expect((await db.tenant.findUniqueOrThrow({ where: { id: ids.own } })).classification).toBeNull();
    expect(await tenantClassification(ids.own)).toEqual(await tenantClassification(ids.other));
    const events = await db.auditEvent.findMany({ where: { action: "tenant.classification.changed", tenantId: ids.own }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => (e.details as { cleared?: boolean }).cleared ?? false)).toEqual([false, true]);
  });

  it("fails closed when a stored classification was edited by hand into something invalid", async () => {
    await db.tenant.update({ where: { id: ids.own }, data: { classification: { columns: { "company.name": "keep" } } } });
    await expect(tenantClassification(ids.own)).rejects.toMatchObject({ code: "INVALID_CLASSIFICATION" });
    await setTenantClassification("CustClass1", null);
  });

  it("tells a run's customer that the operators must mend a broken file, never its path or the parser's words; the operators' details keep both", async () => {
    const broken = path.join(folder, "broken-defaults.json");
    await writeFile(broken, '{ "columns": { "company.loyalty_tier": "keep" ');
    vi.stubEnv("CRM_CLASSIFICATION_FILE", broken);
    try {
      const error = await tenantClassification(ids.own).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "INVALID_CLASSIFICATION" });
      const told = describeFailure(error);
      expect(told).toContain("Our operators have been told");
      expect(told).not.toContain(folder);
      expect(told).not.toMatch(/JSON/);
      expect(technicalDetail(error)).toContain(broken);
    } finally {
      vi.stubEnv("CRM_CLASSIFICATION_FILE", path.join(folder, "defaults.json"));
    }
  });
});
