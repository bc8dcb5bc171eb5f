/**
 * The setup wizard's requests, built around the engine's own options schema
 * (lib/sanitizer/options.ts) so the form, the actions and the worker agree on
 * every choice. Isomorphic: no server imports.
 */
import { z } from "zod";
import { plainText } from "../actions/plain-text";
import { PLAN_LABEL, sandboxOptionsSchema, USER_PLANS, type UserPlan } from "../sanitizer/options";

export const WIZARD_STEPS = [
  { id: "access", title: "Access" },
  { id: "email", title: "E-mail" },
  { id: "tasks", title: "Scheduled tasks" },
  { id: "data", title: "Data" },
  { id: "running", title: "Running mode" },
  { id: "review", title: "Review" },
] as const;

export type WizardStepId = (typeof WIZARD_STEPS)[number]["id"];

/**
 * The same steps serve two purposes: the first-time setup of an ordered sandbox,
 * and a refresh of a ready one that starts from its saved choices.
 */
export const WIZARD_MODES = ["setup", "refresh"] as const;
export type WizardMode = (typeof WIZARD_MODES)[number];

/** `?mode=` from the URL: anything but "refresh" is the first-time setup. */
export function parseWizardMode(value: string | string[] | undefined): WizardMode {
  return value === "refresh" ? "refresh" : "setup";
}

/** Which option fields each step edits: "Next" validates only these. */
export const STEP_FIELDS: Record<WizardStepId, readonly string[]> = {
  access: ["users"],
  email: ["invalidationDomain"],
  tasks: ["keepEnabledTaskIds"],
  data: ["kind", "share", "share.percent", "share.since", "share.ids", "documents", "documents.mode", "documents.since", "serviceAttachments"],
  running: ["stateAfterCopy"],
  review: [],
};

const sandboxId = z.string().min(1).max(64);
const stepIndex = z.number().int().min(0).max(WIZARD_STEPS.length - 1);

/** Giving nobody access must be explained: at least a few words. */
export const NO_ACCESS_REASON_MIN = 10;

/**
 * What the admin confirmed against the wizard's advice: an invalidation domain that
 * could reach real people, and giving nobody access (with the reason, for the audit).
 */
const confirmationsSchema = z
  .object({
    /** The invalidation domain confirmed to reach no one real; a changed domain needs a new confirmation. */
    realMailDomain: z.string().trim().toLowerCase().max(253).default(""),
    noAccessReason: plainText("many").max(500, { error: "Keep the reason to 500 characters at most." }).default(""),
  })
  .default({ realMailDomain: "", noAccessReason: "" });
export type Confirmations = z.output<typeof confirmationsSchema>;

/** `furthest`: the furthest step reached, whose steps stay a way on (the steps above the form) after leaving and coming back. */
export const saveDraftSchema = z.object({ sandboxId, step: stepIndex, furthest: stepIndex.optional(), options: sandboxOptionsSchema, confirmations: confirmationsSchema });
export const dryRunSchema = z.object({ sandboxId, options: sandboxOptionsSchema, confirmations: confirmationsSchema });
export const confirmWizardSchema = z.object({
  sandboxId,
  options: sandboxOptionsSchema,
  confirmations: confirmationsSchema,
  acknowledgeNoGoingBack: z.literal(true, { error: "Tick the box to confirm that there is no going back." }),
});

/** Refresh mode's confirmation: the edited choices, and that overwriting the sandbox is understood. */
export const confirmRefreshSchema = z.object({
  sandboxId,
  options: sandboxOptionsSchema,
  confirmations: confirmationsSchema,
  acknowledgeOverwrite: z.literal(true, { error: "Tick the box to confirm that the sandbox is overwritten with a new copy." }),
});

/** What is stored in Sandbox.wizardDraft: the confirmations too, so an admin who leaves and comes back need not give them again. */
export const wizardDraftSchema = z.object({ step: stepIndex, furthest: stepIndex.optional(), options: sandboxOptionsSchema, confirmations: confirmationsSchema });

export interface PlanUsage {
  plan: UserPlan;
  ordered: number;
  used: number;
}

/** Users per plan against the order: the form shows it live, the actions enforce it. */
export function planUsage(users: { userPlan: UserPlan }[], planCounts: Partial<Record<UserPlan, number>>): PlanUsage[] {
  return USER_PLANS.map((plan) => ({
    plan,
    ordered: planCounts[plan] ?? 0,
    used: users.filter((u) => u.userPlan === plan).length,
  }));
}

/** Field errors (keyed like the form's fields) for choices that exceed the order. */
export function exceedsOrder(users: { userPlan: UserPlan }[], planCounts: Partial<Record<UserPlan, number>>): string[] {
  return planUsage(users, planCounts)
    .filter((u) => u.used > u.ordered)
    .map((u) => `${PLAN_LABEL[u.plan]}: ${u.used} chosen, but the order has ${u.ordered}.`);
}
