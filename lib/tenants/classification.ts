/**
 * Each tenant's own classification of the schema its production has beyond the
 * contract (custom fields, extra tables, triggers), kept in the portal database
 * and laid over the classification file, which stays the operator's defaults for
 * every tenant. A run, its retry check and its verification all read it here.
 */
import { db } from "../db/portal";
import { recordAudit } from "../audit/record";
import { Prisma } from "../generated/portal/client";
import { loadClassification, parseClassification, withTenantClassification, type Classification } from "../sanitizer/classification";
import { SanitizationError } from "../sanitizer/errors";
import { TenantSettingError } from "./setting-error";

/**
 * What a run of this tenant copies by: the file's defaults with the tenant's own choices over
 * them. One that cannot be read or parsed is the operators' to mend, and its words (the file's
 * path, the JSON parser's) are theirs: the failure is technical, so its customer reads the
 * advice alone while the operators' log and the run's details keep the cause.
 */
export async function tenantClassification(tenantId: string): Promise<Classification> {
  try {
    const [defaults, tenant] = await Promise.all([
      loadClassification(),
      db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { classification: true } }),
    ]);
    if (tenant.classification === null) return defaults;
    // Validated when it was stored; parsed again so a hand-edited row fails closed, not open.
    return withTenantClassification(defaults, parseClassification(tenant.classification, "the tenant's classification"));
  } catch (error) {
    if (error instanceof SanitizationError) error.technical = true;
    throw error;
  }
}

/**
 * Replaces the tenant's classification (`null`: the defaults alone). The same rules
 * as the file's: contract tables and columns cannot be classified, and objects
 * with an executable part can only be left out. Audited with what it holds.
 */
export async function setTenantClassification(customerId: string, value: unknown | null): Promise<Classification | null> {
  let parsed: Classification | null = null;
  if (value !== null) {
    try {
      parsed = parseClassification(value, "The classification");
    } catch (error) {
      if (error instanceof SanitizationError) throw new TenantSettingError(error.message);
      throw error;
    }
  }
  await db.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { customerId }, select: { id: true } });
    if (!tenant) throw new TenantSettingError(`No tenant has customer id ${customerId}.`);
    await tx.tenant.update({ where: { id: tenant.id }, data: { classification: parsed === null ? Prisma.DbNull : (parsed as unknown as Prisma.InputJsonValue) } });
    await recordAudit(
      {
        action: "tenant.classification.changed",
        actorId: null,
        tenantId: tenant.id,
        details: { via: "operator CLI", ...(parsed ? { columns: parsed.columns, tables: parsed.tables, objects: parsed.objects } : { cleared: true }) } as Prisma.InputJsonValue,
      },
      tx,
    );
  });
  return parsed;
}
