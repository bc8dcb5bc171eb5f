/** Rule 7, scheduled tasks: every task is disabled, except those the customer kept enabled. */
import { inIds } from "../sql";
import { check, countWhere, offendingRows, type ContractRule } from "./rule";


const CHANGE_LABELS: Record<string, string> = { "scheduled_task.disabled": "Scheduled tasks switched off", "scheduled_task.enabled": "Tasks off in production, switched on because you kept them" };

export const scheduledTasksRule: ContractRule = {
  rule: 7,
  title: "Scheduled tasks",
  copy(table, ctx) {
    if (table.name !== "scheduled_task") return undefined;
    const kept = inIds("id", ctx.options.keepEnabledTaskIds);
    return {
      columns: { enabled: kept },
      changes: [
        { rule: 7, key: "scheduled_task.disabled", aggregate: countWhere(`enabled AND NOT ${kept}`) },
        { rule: 7, key: "scheduled_task.enabled", aggregate: countWhere(`NOT enabled AND ${kept}`) },
      ],
    };
  },
  preview: (options) => [{ table: "scheduled_task", key: "scheduled_task.kept", aggregate: countWhere(inIds("id", options.keepEnabledTaskIds)) }],
  changeLabel: (key) => CHANGE_LABELS[key],
  checks: [
    check(7, "only the tasks kept enabled are enabled", (c, e) =>
      offendingRows(
        c,
        `SELECT format('scheduled_task %s: enabled=%s', id, enabled::text) AS o FROM scheduled_task WHERE enabled <> (id = ANY($1::int[]))`,
        [e.options.keepEnabledTaskIds],
      ),
    ),
  ],
};
