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

/** What a sandbox holds (rule 17): every row, a share of the companies with what they need, or the configuration tables alone. */
export const SANDBOX_KINDS = ["full", "partial", "config"] as const;
export type SandboxKind = (typeof SANDBOX_KINDS)[number];
export const KIND_LABEL: Record<SandboxKind, string> = { full: "Full copy", partial: "Partial copy", config: "Configuration only" };

/**
 * Rule 18: people's and companies' identifying values as in production, or replaced by
 * consistent fake ones (lib/sanitizer/pseudonyms/); documents' contents are then not copied.
 */
const PERSONAL_DATA = ["keep", "pseudonymise"] as const;
export type PersonalDataChoice = (typeof PERSONAL_DATA)[number];
export const PERSONAL_DATA_LABEL: Record<PersonalDataChoice, string> = { keep: "Keep as in production", pseudonymise: "Pseudonymise" };

export const DEFAULT_INVALIDATION_DOMAIN = "mailinator.com";

// A DNS host name: dot-separated labels of letters, digits and inner hyphens, and
// at least two labels (an address at a bare "localhost" is not what anyone means).
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The earliest day a "since" choice may name: no CRM row is older, and PostgreSQL has no year 0
 * (a "since 0000-01-01" that zod took as a date failed on production, and was told as production
 * being unreachable; saved in a draft, it would have failed the copy).
 */
const FIRST_SINCE = "1900-01-01";

const isoDate = z.iso
  .date({ error: (issue) => (issue.input === "" ? "Choose a date." : "Use a date as YYYY-MM-DD.") })
  .refine((d) => d >= FIRST_SINCE, { error: `Choose a date from ${FIRST_SINCE} on.` });

const CLOCK_SKEW_MS = 60 * 60 * 1000;
/**
 * The latest date (YYYY-MM-DD, UTC) a "changed since" choice may name: today, by a clock up to an
 * hour ahead. Saved choices are read again by other processes (the worker's copy, a refresh) whose
 * clocks may be a little behind the one that took them: at midnight UTC, the new day's date taken by
 * the web failed the run on a worker still in the old day.
 */
const latestSinceDay = () => new Date(Date.now() + CLOCK_SKEW_MS).toISOString().slice(0, 10);

/** The CRM's ids are PostgreSQL integers: a larger one names nothing, and production would refuse it as a number. */
const MAX_ID = 2_147_483_647;

/** One of the CRM's ids (a company, a task, an associate): a larger one failed on production, and was told as production being unreachable. */
const crmId = z
  .number({ error: "Each id is a whole number, such as 12." })
  .int({ error: "Each id is a whole number, such as 12." })
  .positive({ error: "Ids start at 1." })
  .max(MAX_ID, { error: "No id is that large: ids go up to 2,147,483,647." });

/**
 * Ids, each once, as many as `lengths` allows. The length is checked first, before the ids (zod does
 * so only for a length check that comes before any refinement): half a million zeros, the 1 MB a
 * server action takes, were each checked and told as a problem, which held the web server's one
 * thread for 4 s and a quarter of a gigabyte.
 */
const idList = (lengths: (ids: z.ZodArray<typeof crmId>) => z.ZodArray<typeof crmId>) =>
  lengths(z.array(crmId)).refine((ids) => new Set(ids).size === ids.length, { error: "Each id may appear only once." });

export const DEFAULT_SHARE_PERCENT = 10;

/** A sandbox's users each take one of its ordered user plans, of which an order has at most this many (lib/orders/schema.ts). */
export const MAX_SANDBOX_USERS = 250;
/** Production's scheduled tasks number a handful to a few dozen. */
const MAX_KEPT_TASKS = 1000;

/**
 * Which companies a partial copy takes: a share of them (spread by a hash of the id,
 * so the same share picks the same companies on every refresh), those changed since
 * a date, or named ones. Named ids are checked against production by the wizard.
 */
const partialShareSchema = z.discriminatedUnion("by", [
  z.object({
    by: z.literal("percent"),
    percent: z
      .number({ error: "Enter a share between 1 and 99 %." })
      .int({ error: "Enter a whole number of per cent." })
      .min(1, { error: "Choose at least 1 % of companies: 0 % copies no company." })
      .max(99, { error: "Choose at most 99 % of companies; for all of them, choose a full copy." }),
  }),
  z.object({
    by: z.literal("since"),
    since: isoDate.refine((d) => d <= latestSinceDay(), { error: "That date is in the future: no company has changed since." }),
  }),
  z.object({
    by: z.literal("companies"),
    ids: idList((ids) => ids.min(1, { error: "Name at least one company." }).max(1000, { error: "Name at most 1,000 companies." })),
  }),
]);
export type PartialShare = z.output<typeof partialShareSchema>;

/** The share a partial copy takes: the chosen one, or 10 % of companies. */
export const partialShareOf = (options: { share?: PartialShare | undefined }): PartialShare =>
  options.share ?? { by: "percent", percent: DEFAULT_SHARE_PERCENT };

/** The companies a partial copy names by id (none for the other shares and kinds): production must have each. */
export const namedCompanies = (options: { kind: SandboxKind; share?: PartialShare | undefined }): number[] =>
  options.kind === "partial" && options.share?.by === "companies" ? options.share.ids : [];

/** A share in plain words: "10 % of companies", "companies changed since 2026-01-01", "3 named companies". */
export function describeShare(share: PartialShare): string {
  if (share.by === "percent") return `${share.percent} % of companies`;
  if (share.by === "since") return `companies changed since ${share.since}`;
  return share.ids.length === 1 ? "1 named company" : `${share.ids.length} named companies`;
}

/** "Partial copy: 10 % of companies"; the other kinds by their label. */
export function describeKind(options: { kind: SandboxKind; share?: PartialShare | undefined }): string {
  return options.kind === "partial" ? `${KIND_LABEL.partial}: ${describeShare(partialShareOf(options))}` : KIND_LABEL[options.kind];
}

/** What a sandbox holds in words, with rule 18's choice when people are pseudonymised: "Full copy, people pseudonymised". */
export function describeContents(options: { kind: SandboxKind; share?: PartialShare | undefined; personalData: PersonalDataChoice }): string {
  return options.personalData === "pseudonymise" ? `${describeKind(options)}, people pseudonymised` : describeKind(options);
}

export const sandboxOptionsSchema = z.object({
  kind: z.enum(SANDBOX_KINDS).default("full"),
  /** Only read for a partial copy; left out, a partial copy takes 10 % of companies. */
  share: partialShareSchema.optional(),
  users: z
    .array(z.object({ associateId: crmId, userPlan: z.enum(USER_PLANS) }))
    .max(MAX_SANDBOX_USERS, { error: `Give at most ${MAX_SANDBOX_USERS} users access: a sandbox has at most that many user plans.` })
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
  keepEnabledTaskIds: idList((ids) => ids.max(MAX_KEPT_TASKS, { error: `Keep at most ${MAX_KEPT_TASKS.toLocaleString("en")} scheduled tasks enabled.` })).default([]),
  documents: z
    .discriminatedUnion("mode", [
      z.object({ mode: z.literal("none") }),
      z.object({ mode: z.literal("all") }),
      z.object({ mode: z.literal("since"), since: isoDate }),
    ])
    .default({ mode: "none" }),
  serviceAttachments: z.boolean().default(false),
  stateAfterCopy: z.enum(["running", "maintenance"]).default("running"),
  personalData: z.enum(PERSONAL_DATA).default("keep"),
});

/**
 * The saved choices a refresh lays its changes over, for a copy of `kind`. A configuration-only
 * copy's choices of documents and attachments were never in force, and the wizard hides them for
 * it: a refresh to another kind that does not name them starts from their defaults, rather than
 * copy files chosen for a kind the sandbox has not had since (through the API or the CLI, unseen).
 */
export function savedChoicesFor<T extends Record<string, unknown>>(saved: T, kind: unknown): Partial<T> {
  if (saved.kind !== "config" || kind === undefined || kind === "config") return saved;
  const { documents: _documents, serviceAttachments: _attachments, ...rest } = saved;
  return rest as Partial<T>;
}

/** Whether `options` are the `saved` choices (as stored, of any earlier form), both read by this schema: defaults filled in. */
export function sameChoices(saved: unknown, options: SandboxOptions): boolean {
  const before = sandboxOptionsSchema.safeParse(saved);
  return before.success && JSON.stringify(before.data) === JSON.stringify(options);
}

/** Parsed options: every default filled in. */
export type SandboxOptions = z.output<typeof sandboxOptionsSchema>;
/** What a form or a JSON file may give: defaults may be left out. */
export type SandboxOptionsInput = z.input<typeof sandboxOptionsSchema>;
