/**
 * Rule 10's default selection: the production associates who can log in, up to
 * the number of user plans on the order. Each keeps their production plan while
 * that plan has places left; the rest take any plan still free.
 */
import { USER_PLANS, type UserPlan } from "../sanitizer/options";

export interface AssociateForAccess {
  id: number;
  canLogin: boolean;
  isRetired: boolean;
  userPlan: string | null;
}

export type PlanCounts = Partial<Record<UserPlan, number>>;

export function defaultAccess(associates: readonly AssociateForAccess[], planCounts: PlanCounts): { associateId: number; userPlan: UserPlan }[] {
  const left = new Map(USER_PLANS.map((plan) => [plan, planCounts[plan] ?? 0]));
  const candidates = associates.filter((a) => a.canLogin && !a.isRetired).sort((a, b) => a.id - b.id);
  const chosen = new Map<number, UserPlan>();
  const take = (id: number, plan: UserPlan) => {
    chosen.set(id, plan);
    left.set(plan, left.get(plan)! - 1);
  };
  for (const a of candidates) {
    const own = a.userPlan as UserPlan | null;
    if (own && (left.get(own) ?? 0) > 0) take(a.id, own);
  }
  for (const a of candidates) {
    if (chosen.has(a.id)) continue;
    const free = USER_PLANS.find((plan) => left.get(plan)! > 0);
    if (!free) break;
    take(a.id, free);
  }
  return [...chosen].map(([associateId, userPlan]) => ({ associateId, userPlan })).sort((a, b) => a.associateId - b.associateId);
}
