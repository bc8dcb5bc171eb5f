/**
 * What the dependants check (partial-checks.ts) expects: each record table's rows
 * of the chosen companies on production, counted in the copy's snapshot by the
 * closure in plain SQL, not the way the copy found its rows. The copy takes its rows
 * through keys read ahead (partial-down-keys.ts), tables in two parts and keys read
 * back from the copy; counted along with those, a row they all missed would be missing
 * from both the copy and its expectation, and the check would pass. Counted apart, a
 * dependant the copy left behind fails it.
 *
 * The same scans count each table's rows in all, which the report's "rows outside the
 * share" need (all rows less those copied): no table is scanned again for them.
 */
import type { ChosenCountQuery } from "./copy-plan";
import { allowHashedSets } from "./hashed-sets";
import type { ProductionSnapshot } from "./snapshot";

export interface ChosenRowCounts {
  /** Table → its rows of the chosen companies that the rules copy. */
  chosen: Record<string, number>;
  /** Table → all its rows. */
  whole: Map<string, number>;
}

/**
 * Runs `query` (copy-plan.ts partialChosenCountQuery) in one statement on a session of
 * its own on the copy's snapshot, so that no session of the copy waits for it: the
 * closure in SQL scans the tables that the keys read ahead spare the copy from scanning
 * (on medium, 0.35 s alone). `largestRows`: the largest table's rows, for its hashed sets.
 */
export async function countChosenRowsApart(snapshot: ProductionSnapshot, query: ChosenCountQuery, largestRows: number): Promise<ChosenRowCounts> {
  const session = await snapshot.join();
  await allowHashedSets(session, largestRows);
  const { rows } = await session.query<{ counts: string[][] }>(query.sql);
  const pairs = rows[0]?.counts ?? [];
  return {
    chosen: Object.fromEntries(query.tables.map((t, i) => [t, Number(pairs[i]?.[0] ?? 0)])),
    whole: new Map(query.tables.map((t, i) => [t, Number(pairs[i]?.[1] ?? 0)])),
  };
}
