/** Per-rule change counts for the report, from the copy's census and the post-copy rules. */
import { classificationChangeLabel, type TablePlan } from "./copy-plan";
import type { PostRuleChanges } from "./post-rules";
import type { RuleReport } from "./report";
import { CONTRACT_RULES, RULE_NUMBERS, RULE_TITLES } from "./rules";

/** Progress steps of the rules applied by the run (0 and 13–15 are checks only). */
export const RULE_STEPS = CONTRACT_RULES.map((r) => ({ key: `rule:${r.rule}`, label: `Rule ${r.rule}: ${r.title}` }));

/** `census`: per table, the values of its plan's `changes`, in order. */
export function buildRuleReports(plans: TablePlan[], census: Map<string, number[]>, post: PostRuleChanges): RuleReport[] {
  const reports = RULE_NUMBERS.map((rule): RuleReport => ({ rule, title: RULE_TITLES[rule] ?? "", changes: {}, checks: [] }));
  const add = (rule: number, key: string, value: number) => {
    const report = reports.find((r) => r.rule === rule);
    if (report) report.changes[key] = (report.changes[key] ?? 0) + value;
  };
  for (const plan of plans) {
    const values = census.get(plan.table) ?? [];
    plan.changes.forEach((c, i) => add(c.rule, c.key, values[i] ?? 0));
  }
  for (const [rule, changes] of Object.entries(post)) {
    for (const [key, value] of Object.entries(changes)) add(Number(rule), key, value);
  }
  return reports;
}

/** Plain words for a change the report counts; a key no rule knows is said as "Other changes", never by its name. */
export function changeLabel(rule: number, key: string): string {
  const label = rule === 0 ? classificationChangeLabel(key) : CONTRACT_RULES.find((r) => r.rule === rule)?.changeLabel(key);
  return label ?? "Other changes";
}

/** A rule's changes in the order the report shows them (its changeRank), the counted order within a rank. */
export function orderedChanges(rule: number, changes: Record<string, number>): [string, number][] {
  const rank = CONTRACT_RULES.find((r) => r.rule === rule)?.changeRank;
  const entries = Object.entries(changes);
  return rank ? entries.map((entry, i) => ({ entry, i, r: rank(entry[0]) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.entry) : entries;
}
