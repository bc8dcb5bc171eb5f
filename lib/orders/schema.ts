/**
 * The order form's rules, shared by the browser form and the server actions.
 * Isomorphic: no server imports.
 */
import { z } from "zod";
import { plainText } from "../actions/plain-text";
import { MAX_SANDBOX_USERS, SANDBOX_KINDS, USER_PLANS, type UserPlan } from "../sanitizer/options";

const NAME_MIN = 3;
const NAME_MAX = 40;
export const NAME_RULE_TEXT = `${NAME_MIN}–${NAME_MAX} characters: letters of any language (æ, ø, å, é, ü…), digits, spaces, hyphens (-) and underscores (_); start with a letter or digit.`;
/** Per plan type; a sandbox is for testing, not a second production. */
export const MAX_PLANS_PER_TYPE = 100;
export const MAX_PLANS_TOTAL = MAX_SANDBOX_USERS;
export const NOTE_MAX = 500;

const planCount = z
  .number({ error: "Enter a whole number (0 or more)." })
  .int({ error: "Enter a whole number (0 or more)." })
  .min(0, { error: "Enter 0 or more." })
  .max(MAX_PLANS_PER_TYPE, { error: `At most ${MAX_PLANS_PER_TYPE} per plan type.` });

const planCountsSchema = z
  .object(Object.fromEntries(USER_PLANS.map((p) => [p, planCount])) as Record<UserPlan, typeof planCount>)
  .superRefine((counts, ctx) => {
    const total = totalPlans(counts);
    if (total < 1) ctx.addIssue({ code: "custom", message: "Order at least one user plan in all." });
    if (total > MAX_PLANS_TOTAL) ctx.addIssue({ code: "custom", message: `At most ${MAX_PLANS_TOTAL} user plans in all.` });
  });

export type PlanCounts = Record<UserPlan, number>;

export function totalPlans(counts: Partial<Record<UserPlan, number>>): number {
  return USER_PLANS.reduce((sum, p) => sum + (Number.isFinite(counts[p]) ? (counts[p] ?? 0) : 0), 0);
}

/**
 * The running total shown while someone types: only entries the order would
 * accept count (a half-typed "-5", "2.5" or "1e9" never makes the total negative
 * or absurd), and the plans left out are named so the total is never a puzzle.
 */
export function planTotalWhileTyping(counts: Partial<Record<UserPlan, number>>): { total: number; notCounted: UserPlan[] } {
  const accepted = USER_PLANS.filter((p) => planCount.safeParse(counts[p]).success);
  // An emptied field (undefined, or NaN from valueAsNumber) is not yet typed, not a mistake.
  const notCounted = USER_PLANS.filter((p) => !accepted.includes(p) && counts[p] !== undefined && !Number.isNaN(counts[p]));
  return { total: accepted.reduce((sum, p) => sum + counts[p]!, 0), notCounted };
}

export const sandboxNameSchema = z
  .string()
  .trim()
  // One spelling per name: "Café" typed as é or as e + ´ looks the same, and both passed the
  // unique index on lower(name), so a customer had two sandboxes of one name.
  .normalize("NFC")
  .min(NAME_MIN, { error: `Use at least ${NAME_MIN} characters.` })
  .max(NAME_MAX, { error: `Use at most ${NAME_MAX} characters.` })
  // Letters of any script, with their combining marks (an é typed as e + ´).
  .regex(/^[\p{L}\p{N}][\p{L}\p{M}\p{N} _-]*$/u, {
    error: "Use only letters, digits, spaces, hyphens and underscores, starting with a letter or digit.",
  });

const acknowledgment = (message: string) => z.literal(true, { error: message });

const noteSchema = plainText("many").max(NOTE_MAX, { error: `Keep the note to ${NOTE_MAX} characters at most.` }).optional().default("");

export const orderSchema = z.object({
  name: sandboxNameSchema,
  /** What the sandbox holds; the wizard starts from it and the customer's admin may change it there. */
  kind: z.enum(SANDBOX_KINDS, { error: "Choose what the sandbox holds." }).default("full"),
  planCounts: planCountsSchema,
  note: noteSchema,
  acknowledgeDeadEnd: acknowledgment("Confirm that nothing is ever copied back to production."),
  acknowledgeNotBackup: acknowledgment("Confirm that the sandbox is not a backup."),
});

export const orderForCustomerSchema = orderSchema.extend({
  tenantId: z.string({ error: "Choose a customer." }).min(1, { error: "Choose a customer." }),
});

export type OrderInput = z.input<typeof orderSchema>;
export type OrderForCustomerInput = z.input<typeof orderForCustomerSchema>;

/** Changing an open order: the same rules as ordering, without the acknowledgements already given. */
export const editOrderSchema = z.object({ sandboxId: z.string().min(1), name: sandboxNameSchema, planCounts: planCountsSchema, note: noteSchema });

export const cancelOrderSchema = z.object({
  sandboxId: z.string().min(1),
  reason: plainText("many").max(NOTE_MAX, { error: `Keep the reason to ${NOTE_MAX} characters at most.` }).optional().default(""),
});

export const productionEstimateSchema = z.object({ tenantId: z.string().min(1) });

export const EMPTY_PLAN_COUNTS: PlanCounts = Object.fromEntries(USER_PLANS.map((p) => [p, 0])) as PlanCounts;
