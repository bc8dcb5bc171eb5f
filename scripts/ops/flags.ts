/** The operator CLI's flags, as `node:util` parseArgs leaves them: read in one place. */
import { EMPTY_PLAN_COUNTS } from "../../lib/orders/schema";
import { USER_PLANS, type UserPlan } from "../../lib/sanitizer/options";
import { CliError } from "./cli-error";

export type Flags = Record<string, string | boolean | undefined>;

/** A string flag's value, or undefined when absent (a boolean flag is never text). */
export function text(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  return typeof value === "string" ? value : undefined;
}

/** A string flag that must be given, trimmed. */
export function required(flags: Flags, name: string): string {
  const value = text(flags, name);
  if (value === undefined || value.trim() === "") throw new CliError(`--${name} is required`);
  return value.trim();
}

/** "sales-premium=3,complete=1" → counts for every plan (absent ones 0); the numbers are judged by the order's schema. */
export function parsePlans(spec: string): Record<UserPlan, number> {
  const counts: Record<UserPlan, number> = { ...EMPTY_PLAN_COUNTS };
  for (const part of spec.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [plan, count = ""] = part.split("=");
    if (!USER_PLANS.includes(plan as UserPlan)) throw new CliError(`--plans: unknown plan "${plan}" (plans: ${USER_PLANS.join(", ")})`);
    counts[plan as UserPlan] = count.trim() === "" ? Number.NaN : Number(count);
  }
  return counts;
}
