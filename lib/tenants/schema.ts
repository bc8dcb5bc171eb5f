import { z } from "zod";
import { plainText } from "../actions/plain-text";
import { productionUrlProblem } from "../crm/production-url";
import { USER_PLANS, type UserPlan } from "../sanitizer/options";

const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" });

export const customerIdSchema = z.string().trim().regex(/^Cust\d{1,10}$/, "must look like Cust12345");

export const tenantInputSchema = z.object({
  customerId: customerIdSchema,
  companyName: plainText().min(1, "is required").max(200),
  productionUrl: postgresUrl.superRefine((url, ctx) => {
    const problem = productionUrlProblem(url);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  sandboxServerUrl: postgresUrl.optional(),
});
export type TenantInput = z.input<typeof tenantInputSchema>;

const limitText = z
  .string()
  .trim()
  .regex(/^(\d{1,6})?$/, { error: "Enter a whole number, or leave it empty." });

/**
 * Staff's form for a customer's agreement (entitlements). Numbers stay text as
 * typed: an empty "Sandboxes at once" means no limit; plans are limited only when
 * asked, and then an empty or 0 plan is not covered.
 */
export const entitlementsFormSchema = z.object({
  customerId: customerIdSchema,
  sandboxes: limitText,
  limitPlans: z.boolean(),
  plans: z.object(Object.fromEntries(USER_PLANS.map((p) => [p, limitText])) as Record<UserPlan, typeof limitText>),
});
export type EntitlementsFormInput = z.input<typeof entitlementsFormSchema>;

/** The form's values as the entitlements they set. */
export function entitlementsFromForm(values: z.output<typeof entitlementsFormSchema>): { sandboxes: number | null; plans: Partial<Record<UserPlan, number>> | null } {
  return {
    sandboxes: values.sandboxes === "" ? null : Number(values.sandboxes),
    plans: values.limitPlans ? Object.fromEntries(USER_PLANS.filter((p) => Number(values.plans[p] || 0) > 0).map((p) => [p, Number(values.plans[p])])) : null,
  };
}
