/** Rule 10, users: only the associates given access can log in, each with the plan chosen for them. */
import { inIds, quoteLiteral } from "../sql";
import { check, countWhere, offendingRows, type ContractRule } from "./rule";


const CHANGE_LABELS: Record<string, string> = { "associate.can_login": "Users whose sign-in was switched on or off", "associate.user_plan": "Users given another user plan" };

export const usersRule: ContractRule = {
  rule: 10,
  title: "Users",
  copy(table, { options }) {
    if (table.name !== "associate") return undefined;
    const given = inIds("id", options.users.map((u) => u.associateId));
    const plan = options.users.length
      ? `CASE id ${options.users.map((u) => `WHEN ${u.associateId} THEN ${quoteLiteral(u.userPlan)}`).join(" ")} END`
      : "NULL::text";
    return {
      columns: { can_login: given, user_plan: plan },
      changes: [
        { rule: 10, key: "associate.can_login", aggregate: countWhere(`can_login IS DISTINCT FROM ${given}`) },
        { rule: 10, key: "associate.user_plan", aggregate: countWhere(`user_plan IS DISTINCT FROM ${plan}`) },
      ],
    };
  },
  preview: (options) => [
    { table: "associate", key: "associate.losing_login", aggregate: countWhere(`can_login AND NOT ${inIds("id", options.users.map((u) => u.associateId))}`) },
  ],
  changeLabel: (key) => CHANGE_LABELS[key],
  checks: [
    check(10, "only the associates given access can log in, with their plan", (c, e) =>
      offendingRows(
        c,
        `SELECT format('associate %s: can_login=%s user_plan=%s', a.id, a.can_login::text, coalesce(a.user_plan, 'none')) AS o
           FROM associate a LEFT JOIN unnest($1::int[], $2::text[]) AS u(id, plan) ON u.id = a.id
          WHERE a.can_login <> (u.id IS NOT NULL) OR a.user_plan IS DISTINCT FROM u.plan
         UNION ALL SELECT 'associate ' || u.id || ' given access does not exist'
           FROM unnest($1::int[]) AS u(id) WHERE NOT EXISTS (SELECT 1 FROM associate WHERE id = u.id)`,
        [e.options.users.map((u) => u.associateId), e.options.users.map((u) => u.userPlan)],
      ),
    ),
  ],
};
