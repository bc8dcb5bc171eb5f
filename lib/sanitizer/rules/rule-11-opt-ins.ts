/** Rule 11, opt-ins: both system-wide opt-in preferences are `No`, created if missing. */
import { check, offendingRows, type ContractRule } from "./rule";

export const OPT_IN_PREFERENCES = ["Statistics OptIn - Configured", "UserSync OptIn - Configured"] as const;


const CHANGE_LABELS: Record<string, string> = { "preference.set_no": "Opt-in preferences set to No", "preference.created": "Opt-in preferences created as No" };

export const optInsRule: ContractRule = {
  rule: 11,
  title: "Opt-ins",
  async afterCopy(tx) {
    // associate_id NULL is never equal to NULL, so the unique key cannot be used
    // for an upsert: update, then create what is missing.
    let changed = 0;
    let created = 0;
    for (const name of OPT_IN_PREFERENCES) {
      const where = { section: "System", name, associateId: null };
      changed += (await tx.preference.updateMany({ where: { ...where, value: { not: "No" } }, data: { value: "No" } })).count;
      if ((await tx.preference.count({ where })) === 0) {
        await tx.preference.create({ data: { ...where, value: "No" } });
        created++;
      }
    }
    return { "preference.set_no": changed, "preference.created": created };
  },
  changeLabel: (key) => CHANGE_LABELS[key],
  checks: [
    // "At least once": the unique key lets production hold a system-wide row twice (NULLs are
    // distinct), and the rule sets every one of them to No.
    check(11, "both opt-ins are No, every row of them", (c) =>
      offendingRows(
        c,
        `SELECT format('%s: %s', n, coalesce(string_agg(p.value, ', '), 'missing')) AS o
           FROM unnest($1::text[]) n LEFT JOIN preference p ON p.section = 'System' AND p.name = n AND p.associate_id IS NULL
          GROUP BY n HAVING count(p.id) = 0 OR bool_or(p.value IS DISTINCT FROM 'No')`,
        [[...OPT_IN_PREFERENCES]],
      ),
    ),
  ],
};
