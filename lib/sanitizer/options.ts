/**
 * The wizard's choices for a sandbox copy, as one zod schema shared by the form,
 * the server action, the job worker and the CLI. Isomorphic on purpose: no server
 * imports, so the browser bundle can validate with the very same rules.
 */
import { z } from "zod";
import { USER_PLANS } from "../crm/contract";

// The wizard's plan choices are the contract's plans; exported here beside the schema that uses them.
export { USER_PLANS };

export type UserPlan = (typeof USER_PLANS)[number];

/** A plan as customers know it. */
export const PLAN_LABEL: Record<UserPlan, string> = {
  "sales-essentials": "Sales Essentials",
  "sales-premium": "Sales Premium",
  "service-essentials": "Service Essentials",
  "service-premium": "Service Premium",
  marketing: "Marketing",
  complete: "Complete",
};

/** A plan's label, or its id for a plan this portal does not know. */
export const planLabel = (plan: string) => PLAN_LABEL[plan as UserPlan] ?? plan;

/** Ordered plans in words, in the usual order and leaving out plans with none: ["3 Sales Premium", "1 Complete"]. */
export function describePlanCounts(counts: unknown): string[] {
  const given = (counts ?? {}) as Record<string, unknown>;
  return USER_PLANS.filter((plan) => Number(given[plan]) > 0).map((plan) => `${Number(given[plan])} ${PLAN_LABEL[plan]}`);
}

/** What the sandbox is after its copy, as the wizard says it. */
export const STATE_AFTER_COPY_LABEL = { running: "Running", maintenance: "In maintenance" } as const;

/** What a sandbox holds (rule 17): every row, or the configuration tables alone. */
export const SANDBOX_KINDS = ["full", "config"] as const;
export type SandboxKind = (typeof SANDBOX_KINDS)[number];
export const KIND_LABEL: Record<SandboxKind, string> = { full: "Full copy", config: "Configuration only" };

export const DEFAULT_INVALIDATION_DOMAIN = "mailinator.com";

// A DNS host name: dot-separated labels of letters, digits and inner hyphens, and
// at least two labels (an address at a bare "localhost" is not what anyone means).
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const isoDate = z.iso.date({ error: "Use a date as YYYY-MM-DD." });

const idList = z
  .array(z.number().int().positive())
  .refine((ids) => new Set(ids).size === ids.length, { error: "Each id may appear only once." });

export const sandboxOptionsSchema = z.object({
  kind: z.enum(SANDBOX_KINDS).default("full"),
  users: z
    .array(z.object({ associateId: z.number().int().positive(), userPlan: z.enum(USER_PLANS) }))
    .refine((users) => new Set(users.map((u) => u.associateId)).size === users.length, {
      error: "Each user may be given access only once.",
    })
    .default([]),
  invalidationDomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(HOSTNAME, { error: "Enter a host name such as mailinator.com." })
    .default(DEFAULT_INVALIDATION_DOMAIN),
  keepEnabledTaskIds: idList.default([]),
  documents: z
    .discriminatedUnion("mode", [
      z.object({ mode: z.literal("none") }),
      z.object({ mode: z.literal("all") }),
      z.object({ mode: z.literal("since"), since: isoDate }),
    ])
    .default({ mode: "none" }),
  serviceAttachments: z.boolean().default(false),
  stateAfterCopy: z.enum(["running", "maintenance"]).default("running"),
});

/** Parsed options: every default filled in. */
export type SandboxOptions = z.output<typeof sandboxOptionsSchema>;
/** What a form or a JSON file may give: defaults may be left out. */
export type SandboxOptionsInput = z.input<typeof sandboxOptionsSchema>;
