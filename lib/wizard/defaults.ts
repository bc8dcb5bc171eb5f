/**
 * The wizard's starting choices (rule 10's default selection). Isomorphic and pure.
 */
import {
  DEFAULT_INVALIDATION_DOMAIN,
  SANDBOX_KINDS,
  sandboxOptionsSchema,
  USER_PLANS,
  type SandboxKind,
  type SandboxOptions,
  type UserPlan,
} from "../sanitizer/options";

export interface AssociateSummary {
  id: number;
  username: string;
  fullName: string;
  email: string | null;
  userPlan: UserPlan | null;
  canLogin: boolean;
  isRetired: boolean;
}

const isPlan = (value: string | null): value is UserPlan => value !== null && (USER_PLANS as readonly string[]).includes(value);
export const asUserPlan = (value: string | null): UserPlan | null => (isPlan(value) ? value : null);

/**
 * Those who can log in to production, up to the ordered counts: first each on
 * their own production plan while that plan has room, then the rest of them on
 * whatever plans are left, in id order (stable, so a reload gives the same default).
 */
export function defaultUsers(associates: AssociateSummary[], planCounts: Partial<Record<UserPlan, number>>): SandboxOptions["users"] {
  const left = new Map(USER_PLANS.map((p) => [p, planCounts[p] ?? 0]));
  const candidates = associates.filter((a) => a.canLogin && !a.isRetired).sort((a, b) => a.id - b.id);
  const chosen = new Map<number, UserPlan>();
  for (const a of candidates) {
    if (a.userPlan && (left.get(a.userPlan) ?? 0) > 0) {
      chosen.set(a.id, a.userPlan);
      left.set(a.userPlan, left.get(a.userPlan)! - 1);
    }
  }
  for (const a of candidates) {
    if (chosen.has(a.id)) continue;
    const plan = USER_PLANS.find((p) => (left.get(p) ?? 0) > 0);
    if (!plan) break;
    chosen.set(a.id, plan);
    left.set(plan, left.get(plan)! - 1);
  }
  return [...chosen].map(([associateId, userPlan]) => ({ associateId, userPlan }));
}

/** The kind an order asked for (Sandbox.orderedKind); one this portal does not know starts as a full copy. */
export const orderedKind = (value: unknown): SandboxKind => ((SANDBOX_KINDS as readonly unknown[]).includes(value) ? (value as SandboxKind) : "full");

/** A first setup's choices: the kind ordered, everyone who can log in up to the ordered plans, the safe rest. */
export function defaultOptions(associates: AssociateSummary[], planCounts: Partial<Record<UserPlan, number>>, kind: SandboxKind = "full"): SandboxOptions {
  return {
    kind,
    users: defaultUsers(associates, planCounts),
    invalidationDomain: DEFAULT_INVALIDATION_DOMAIN,
    keepEnabledTaskIds: [],
    documents: { mode: "none" },
    serviceAttachments: false,
    stateAfterCopy: "running",
    personalData: "keep",
  };
}

export interface SavedChoices {
  options: SandboxOptions;
  /** Saved people and tasks that are gone from production since: dropped, since the steps could not show or untick them. */
  droppedUsers: number;
  droppedTasks: number;
  /** The saved choices could not be read at all: the defaults are shown instead. */
  usedDefaults: boolean;
}

/** Refresh mode's starting point: the sandbox's saved choices, trimmed to what production still has. */
export function savedChoices(
  saved: unknown,
  associates: AssociateSummary[],
  taskIds: number[],
  planCounts: Partial<Record<UserPlan, number>>,
): SavedChoices {
  const parsed = sandboxOptionsSchema.safeParse(saved);
  if (!parsed.success) return { options: defaultOptions(associates, planCounts), droppedUsers: 0, droppedTasks: 0, usedDefaults: true };
  const people = new Set(associates.map((a) => a.id));
  const tasks = new Set(taskIds);
  const users = parsed.data.users.filter((u) => people.has(u.associateId));
  const keepEnabledTaskIds = parsed.data.keepEnabledTaskIds.filter((id) => tasks.has(id));
  return {
    options: { ...parsed.data, users, keepEnabledTaskIds },
    droppedUsers: parsed.data.users.length - users.length,
    droppedTasks: parsed.data.keepEnabledTaskIds.length - keepEnabledTaskIds.length,
    usedDefaults: false,
  };
}
