/**
 * A run that failed because production has schema the portal does not know (rule 0)
 * fails the same way on every retry until that schema is classified or removed. So
 * a retry of such a run first repeats the drift check, bounded like every read of
 * production, and starts nothing while production still does not match.
 */
import "server-only";
import { AppError } from "../errors";
import { assertNoDrift } from "../sanitizer/drift";
import { SanitizationError } from "../sanitizer/errors";
import { readSourceSchema } from "../sanitizer/schema-reader";
import { tenantClassification } from "../tenants/classification";
import { withProduction } from "../tenants/production";
import { FAILURES_NEEDING_A_MATCH } from "./retry-rules";
import { log } from "../observability/log";

const STILL_BEING_CLASSIFIED =
  "The portal's list of known schema is being corrected by an operator, so a retry would fail the same way; nothing was started. Try again later.";

export async function assertProductionNowMatches(tenantId: string): Promise<void> {
  // A classification (the defaults file or the tenant's own) that cannot be read or
  // parsed: its message may name a path, which is for operators. Other errors pass as they are.
  const classification = await tenantClassification(tenantId).catch((error: unknown) => {
    if (!(error instanceof SanitizationError)) throw error;
    log.error(error, "retry check: the classification is unusable");
    throw new AppError("CONFLICT", STILL_BEING_CLASSIFIED);
  });
  const mismatch = await withProduction(tenantId, async (client) => {
    try {
      await assertNoDrift(client, await readSourceSchema(client), classification);
      return null;
    } catch (error) {
      if (error instanceof SanitizationError && FAILURES_NEEDING_A_MATCH.has(error.code)) return error.message;
      throw error;
    }
  });
  if (mismatch) {
    throw new AppError("CONFLICT", `Production still does not match, so a retry would fail the same way; nothing was started. ${mismatch}`);
  }
}
