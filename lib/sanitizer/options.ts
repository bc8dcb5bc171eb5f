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

export const DEFAULT_INVALIDATION_DOMAIN = "mailinator.com";

// A DNS host name: dot-separated labels of letters, digits and inner hyphens, and
// at least two labels (an address at a bare "localhost" is not what anyone means).
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const isoDate = z.iso.date({ error: "Use a date as YYYY-MM-DD." });

const idList = z
  .array(z.number().int().positive())
  .refine((ids) => new Set(ids).size === ids.length, { error: "Each id may appear only once." });

export const sandboxOptionsSchema = z.object({
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

/**
 * Rule 2: an address becomes `local_domain@<invalidation domain>`.
 *
 * Every `@` of the original value becomes `_`, then `@<domain>` is appended. That
 * is the contract's example for a well-formed address (`john.doe@company.com` →
 * `john.doe_company.com@mailinator.com`) and it makes malformed values safe too:
 * - no `@` at all (`john.doe`)         → `john.doe@mailinator.com`
 * - several `@` (`"a@b"@c.com`)        → `"a_b"_c.com@mailinator.com`
 * - a list (`a@x.com, b@y.com`)        → `a_x.com, b_y.com@mailinator.com`
 * so the result never holds any `@` but the last one, and the only domain anything
 * could be delivered to is the invalidation domain. Case and spaces are kept as they
 * are (nothing else about the value changes). Null stays null; the empty string
 * stays empty (it addresses no one, and inventing `@mailinator.com` would be noise).
 *
 * The SQL twin is `rewriteEmailSql` (email-sql.ts); a test runs both on the same
 * inputs and requires identical results.
 */
export function rewriteEmail(address: string, domain: string): string;
export function rewriteEmail(address: string | null, domain: string): string | null;
export function rewriteEmail(address: string | null, domain: string): string | null {
  if (address === null || address === "") return address;
  return `${address.replaceAll("@", "_")}@${domain}`;
}

/** True when `value` is what rewriteEmail can produce for `domain` (the verifier's test). */
export function isRewrittenEmail(value: string | null, domain: string): boolean {
  if (value === null || value === "") return true;
  const at = value.indexOf("@");
  return at === value.length - domain.length - 1 && value.slice(at + 1) === domain;
}
