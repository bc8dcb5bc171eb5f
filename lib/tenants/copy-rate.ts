/**
 * A tenant's own cap on how fast its runs read production. Operators set it for a
 * customer whose production is small or busy, so that the copy's reads never crowd
 * out production's own traffic; the next run of that tenant uses it.
 */
import { z } from "zod";
import { db } from "../db/portal";
import { recordAudit } from "../audit/record";
import { TenantSettingError } from "./setting-error";

/** Up to 10 GB/s: anything above is a typo, not a cap; below 0.1 MB/s (but 0, none) no copy would ever end. */
const rateSchema = z
  .number()
  .finite()
  .min(0, "must be 0 (no cap) or more")
  .max(10_000, "must be at most 10000 MB/s")
  .refine((v) => v === 0 || v >= 0.1, "must be 0 (no cap) or at least 0.1 MB/s: slower, a copy of a gigabyte takes days");

/**
 * Sets the cap in MB/s (0: none), or `null` to follow COPY_RATE_LIMIT_MBPS again.
 * Audited with the value before and after.
 */
export async function setTenantCopyRate(customerId: string, megabytesPerSecond: number | null): Promise<void> {
  if (megabytesPerSecond !== null) {
    const parsed = rateSchema.safeParse(megabytesPerSecond);
    if (!parsed.success) throw new TenantSettingError(`The copy rate ${parsed.error.issues[0]!.message}.`);
  }
  await db.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { customerId }, select: { id: true, copyRateLimitMBps: true } });
    if (!tenant) throw new TenantSettingError(`No tenant has customer id ${customerId}.`);
    await tx.tenant.update({ where: { id: tenant.id }, data: { copyRateLimitMBps: megabytesPerSecond } });
    await recordAudit(
      {
        action: "tenant.copyRate.changed",
        actorId: null,
        tenantId: tenant.id,
        details: { via: "operator CLI", fromMBps: tenant.copyRateLimitMBps, toMBps: megabytesPerSecond },
      },
      tx,
    );
  });
}
