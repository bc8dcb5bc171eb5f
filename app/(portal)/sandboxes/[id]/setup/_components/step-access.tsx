"use client";

import { SettledStatus } from "@/components/settled-status";
import { useId, useMemo, useState } from "react";
import { useWatch } from "react-hook-form";
import { PLAN_LABEL } from "@/lib/sanitizer/options";
import { USER_PLANS, type UserPlan } from "@/lib/sanitizer/options";
import { defaultUsers } from "@/lib/wizard/defaults";
import { NO_ACCESS_REASON_MIN, planUsage } from "@/lib/wizard/schema";
import { TextareaField } from "@/components/textarea-field";
import { fieldClass, secondaryButton, type StepProps } from "./step-props";

const PAGE = 100;
type Filter = "all" | "chosen" | "not-chosen" | "can-login" | "cannot-login";

/** Step 1: who gets into the sandbox, and on which plan, within the ordered counts. */
export function StepAccess({ form, data, sandbox, mode, confirmations, setConfirmations }: StepProps) {
  const id = useId();
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<Filter>("all");
  const [limit, setLimit] = useState(PAGE);
  const [full, setFull] = useState<string | null>(null);
  const watched = useWatch({ control: form.control, name: "users" });
  const users = useMemo(() => watched ?? [], [watched]);
  const chosen = useMemo(() => new Map(users.map((u) => [u.associateId, u.userPlan])), [users]);
  const usage = planUsage(users, sandbox.planCounts);
  const error = form.formState.errors.users?.message ?? form.formState.errors.users?.root?.message;

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return data.associates.filter((a) => {
      if (q && !`${a.fullName} ${a.username} ${a.email ?? ""}`.toLowerCase().includes(q)) return false;
      if (filter === "chosen") return chosen.has(a.id);
      if (filter === "not-chosen") return !chosen.has(a.id);
      if (filter === "can-login") return a.canLogin;
      if (filter === "cannot-login") return !a.canLogin;
      return true;
    });
  }, [data.associates, query, filter, chosen]);

  const ordered = USER_PLANS.filter((p) => (sandbox.planCounts[p] ?? 0) > 0);

  function setUsers(next: { associateId: number; userPlan: UserPlan }[]) {
    form.setValue("users", next, { shouldDirty: true });
    form.clearErrors("users");
    setFull(null);
  }
  function toggle(associateId: number, productionPlan: UserPlan | null, name: string) {
    if (chosen.has(associateId)) return setUsers(users.filter((u) => u.associateId !== associateId));
    const room = (plan: UserPlan) => usage.find((u) => u.plan === plan)!.ordered > usage.find((u) => u.plan === plan)!.used;
    // Never a plan that was not ordered, nor one more than ordered: with every plan used, nobody more can be added.
    const plan = productionPlan && room(productionPlan) ? productionPlan : USER_PLANS.find(room);
    if (!plan) return setFull(`Every ordered plan is in use, so ${name} cannot be added. Remove someone first, or order more plans.`);
    setUsers([...users, { associateId, userPlan: plan }]);
  }
  function changePlan(associateId: number, plan: UserPlan) {
    setUsers(users.map((u) => (u.associateId === associateId ? { ...u, userPlan: plan } : u)));
  }

  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">
        Only the people you choose can log in to the sandbox, each on one of the plans ordered. Everyone else keeps their data but cannot log in.{" "}
        {mode === "refresh"
          ? "We started with the people chosen for the current copy."
          : "We started with those who can log in to production, up to the ordered counts."}
      </p>
      <div aria-live="polite" data-testid="plan-usage">
        <ul className="flex flex-wrap gap-2 text-sm">
          {usage
            .filter((u) => u.ordered > 0 || u.used > 0)
            .map((u) => (
              <li key={u.plan} className={`rounded-md px-2.5 py-1 ${u.used > u.ordered ? "bg-red-100 text-red-900" : "bg-slate-100"}`}>
                {PLAN_LABEL[u.plan]}: {u.used} of {u.ordered} used
              </li>
            ))}
          <li className="rounded-md px-2.5 py-1 font-medium">{users.length} people chosen</li>
        </ul>
      </div>
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-700" data-testid="users-error">
          {error}
        </p>
      )}
      <p className="text-sm text-amber-900" aria-live="polite" data-testid="plans-full">
        {full}
      </p>
      {users.length === 0 && (
        <TextareaField
          label="Nobody gets access: say why"
          hint={`Needed to confirm a sandbox nobody can sign in to (at least ${NO_ACCESS_REASON_MIN} characters), e.g. "Only integrations use it".`}
          value={confirmations.noAccessReason}
          onChange={(e) => setConfirmations({ noAccessReason: e.target.value })}
          maxLength={500}
          rows={2}
          className="max-w-xl"
        />
      )}
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor={`${id}-q`} className="block text-sm font-medium">
            Search people
          </label>
          <input id={`${id}-q`} type="search" value={query} onChange={(e) => { setQuery(e.target.value); setLimit(PAGE); }} placeholder="Name, username or e-mail" className={`mt-1 w-64 ${fieldClass}`} />
        </div>
        <div>
          <label htmlFor={`${id}-f`} className="block text-sm font-medium">
            Show
          </label>
          <select id={`${id}-f`} value={filter} onChange={(e) => { setFilter(e.target.value as Filter); setLimit(PAGE); }} className={`mt-1 ${fieldClass}`}>
            <option value="all">Everyone</option>
            <option value="chosen">Given access</option>
            <option value="not-chosen">Not given access</option>
            <option value="can-login">Can log in to production</option>
            <option value="cannot-login">Cannot log in to production</option>
          </select>
        </div>
        <button type="button" className={secondaryButton} onClick={() => setUsers(defaultUsers(data.associates, sandbox.planCounts))}>
          Reset to the default
        </button>
        <button type="button" className={secondaryButton} onClick={() => setUsers([])}>
          Remove everyone
        </button>
      </div>
      <p className="text-sm text-slate-600" data-testid="people-match">
        {shown.length} of {data.associates.length} people match.
      </p>
      <SettledStatus text={`${shown.length} of ${data.associates.length} people match.`} />
      <div className="overflow-x-auto rounded-md border border-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-describedby={error ? `${id}-error` : undefined}>
          <caption className="sr-only">Production users and their access to the sandbox</caption>
          <thead className="bg-slate-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2">Access</th>
              <th scope="col" className="px-3 py-2">Name</th>
              <th scope="col" className="px-3 py-2">Username</th>
              <th scope="col" className="px-3 py-2">Production plan</th>
              <th scope="col" className="px-3 py-2">Can log in</th>
              <th scope="col" className="px-3 py-2">Sandbox plan</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {shown.slice(0, limit).map((a) => {
              const plan = chosen.get(a.id);
              return (
                <tr key={a.id}>
                  <td className="px-3 py-1.5">
                    <input type="checkbox" className="h-4 w-4" checked={plan !== undefined} onChange={() => toggle(a.id, a.userPlan, a.fullName)} aria-label={`Give ${a.fullName} access`} />
                  </td>
                  <td className="px-3 py-1.5">
                    {a.fullName}
                    {a.isRetired && <span className="ml-1 text-xs text-slate-600">(retired)</span>}
                  </td>
                  <td className="px-3 py-1.5 text-slate-700">{a.username}</td>
                  <td className="px-3 py-1.5">{a.userPlan ? PLAN_LABEL[a.userPlan] : "None"}</td>
                  <td className="px-3 py-1.5">{a.canLogin ? "Yes" : "No"}</td>
                  <td className="px-3 py-1.5">
                    {plan ? (
                      <select value={plan} onChange={(e) => changePlan(a.id, e.target.value as UserPlan)} aria-label={`Sandbox plan for ${a.fullName}`} className="rounded border border-slate-300 px-2 py-1 text-sm">
                        {USER_PLANS.filter((p) => p === plan || ordered.includes(p)).map((p) => (
                          <option key={p} value={p}>
                            {PLAN_LABEL[p]}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <span className="text-slate-600">No access</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {shown.length > limit && (
        <button type="button" className={secondaryButton} onClick={() => setLimit(limit + PAGE)}>
          Show {Math.min(PAGE, shown.length - limit)} more
        </button>
      )}
    </div>
  );
}
