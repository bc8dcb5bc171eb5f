/**
 * Rule 14's checks of a partial copy (rule 17), on the copy alone: no foreign key
 * dangles, and every chosen company has all its dependants, as many rows of each
 * table as production had in the snapshot (recorded at copy time, after the other
 * rules' row filters). The copy's own constraints are not trusted for the first:
 * the check reads every foreign key from the catalog and looks for orphans itself.
 */
import type pg from "pg";
import { CONFIGURATION_TABLES } from "../crm/contract";
import type { SandboxExpectations } from "./expectations";
import { readForeignKeys, type NamedForeignKey } from "./foreign-keys";
import { partialShareOf } from "./options";
import { allowHashedSets } from "./hashed-sets";
import { buildPartialClosure } from "./partial-closure";
import { check, OFFENDING_LIMIT, offendingRows } from "./rules/rule";
import { quoteIdent, quoteLiteral } from "./sql";

const isPartial = (e: SandboxExpectations) => e.options.kind === "partial";

/** Rows of `fk.table` whose key is set (MATCH SIMPLE: no column null) and finds no parent row. */
function orphansSql(fk: NamedForeignKey): string {
  const set = fk.columns.map((c) => `c.${quoteIdent(c)} IS NOT NULL`).join(" AND ");
  const joined = fk.columns.map((c, i) => `p.${quoteIdent(fk.refColumns[i]!)} = c.${quoteIdent(c)}`).join(" AND ");
  const label = quoteLiteral(`${fk.table}.${fk.columns.join(",")} → ${fk.refTable}: `);
  const keyText = fk.columns.map((c) => `c.${quoteIdent(c)}::text`).join(` || ',' || `);
  return `(SELECT ${label} || ${keyText} AS o FROM public.${quoteIdent(fk.table)} c
            WHERE ${set} AND NOT EXISTS (SELECT 1 FROM public.${quoteIdent(fk.refTable)} p WHERE ${joined}) LIMIT 1)`;
}

export const partialChecks = [
  check(17, "a partial copy: every foreign key holds", async (c, e) => {
    if (!isPartial(e)) return [];
    const keys = await readForeignKeys(c);
    return keys.length ? offendingRows(c, keys.map(orphansSql).join(" UNION ALL ")) : [];
  }),
  check(17, "a partial copy: every chosen company has all its dependants", async (c, e) => {
    if (!isPartial(e)) return [];
    const counted = await closureCounts(c, e);
    const out: string[] = [];
    for (const [table, want] of Object.entries(e.chosenRows ?? {})) {
      const n = counted.get(table)?.members ?? 0;
      if (n !== want) out.push(`${table}: ${n} rows of the chosen companies, production had ${want}`);
    }
    return out.slice(0, OFFENDING_LIMIT);
  }),
  check(17, "a partial copy: no customer record beyond the chosen companies and the rows they need", async (c, e) => {
    if (!isPartial(e)) return [];
    // A row outside the closure was copied for nothing, and shows someone the customer
    // chose not to show (as a company only a left-out document named once was).
    const out: string[] = [];
    for (const [table, { outside: n }] of await closureCounts(c, e)) {
      if (n > 0) out.push(`${table}: ${n} ${n === 1 ? "row" : "rows"} neither of the chosen companies nor named by a copied row`);
    }
    return out.slice(0, OFFENDING_LIMIT);
  }),
];

interface ClosureCount {
  /** Rows of the chosen companies (the closure's members). */
  members: number;
  /** Rows neither of the chosen companies nor named by a copied row. */
  outside: number;
}

/** The two closure checks' counts of one verification (one session, one snapshot): made once, by its first check. */
const countsOfSession = new WeakMap<pg.ClientBase, { e: SandboxExpectations; counts: Promise<Map<string, ClosureCount>> }>();

function closureCounts(c: pg.ClientBase, e: SandboxExpectations): Promise<Map<string, ClosureCount>> {
  const made = countsOfSession.get(c);
  if (made?.e === e) return made.counts;
  const counts = countClosure(c, e);
  countsOfSession.set(c, { e, counts });
  return counts;
}

/**
 * The same closure as the copy's, worked out over the copy: the chosen companies found
 * again by the same ids and dates, their dependants and every row a copied row names
 * through the copy's own foreign keys. One scan per record table counts both sides.
 */
async function countClosure(c: pg.ClientBase, e: SandboxExpectations): Promise<Map<string, ClosureCount>> {
  const scopes = buildPartialClosure(partialShareOf(e.options), await recordTables(c), await readForeignKeys(c));
  await allowHashedSets(c, Math.max(0, ...Object.values(e.tableRows)));
  const counts = new Map<string, ClosureCount>();
  for (const [table, scope] of scopes) {
    const { rows } = await c.query<{ members: string; outside: string }>(
      `${scope.ctes}SELECT count(*) FILTER (WHERE ${scope.members})::text AS members, count(*) FILTER (WHERE (${scope.where}) IS NOT TRUE)::text AS outside FROM public.${quoteIdent(table)}`,
    );
    counts.set(table, { members: Number(rows[0]?.members ?? 0), outside: Number(rows[0]?.outside ?? 0) });
  }
  return counts;
}

/** The copy's tables of customer records: every public table but the configuration's. */
async function recordTables(c: pg.ClientBase): Promise<Set<string>> {
  const { rows } = await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`);
  return new Set(rows.map((r) => r.t).filter((t) => !CONFIGURATION_TABLES.has(t)));
}
