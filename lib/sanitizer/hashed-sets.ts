/**
 * A partial copy's conditions are `key IN (SELECT … FROM named set)`, several joined by
 * OR (partial-closure.ts). Under OR, PostgreSQL cannot turn them into joins: each is a
 * subplan, hashed only when the planner reckons the set fits in `hash_mem` (work_mem ×
 * hash_mem_multiplier, 8 MB by default). Its reckoning of a named set's size is a
 * guess, often half of the whole table or more; past that limit it runs the subplan
 * as a scan of the set for every row of the table, and a statement that takes a second
 * on a million rows does not end on ten million (found on the large scale: the closure
 * statement ran for minutes, quadratic).
 *
 * So the sessions that run those statements may hash a set as large as the largest
 * table they read, by raising hash_mem_multiplier for the session alone (never
 * lowering it). The memory a hashed set takes is its actual size, the chosen share's
 * keys (a few tens of MB at 10 % of ten million rows), not the allowance; work_mem,
 * which sorts use, is left alone. The allowance is bounded all the same (1 GB a
 * session, sixteen million keys as the planner reckons them): it is production's
 * memory, a hash that does not spill holds what it is given, and a guess off by a lot
 * (stale statistics, "changed since" on a table of tens of millions) let a session take
 * up to 1000 × work_mem, on several sessions at once. Past the bound the planner scans
 * the set per row instead: a partial copy of a table reckoned at more than sixteen
 * million rows runs into its deadline rather than into production's memory.
 */
import type pg from "pg";

/**
 * What the planner reckons one row of a hashed set takes: its width and a tuple
 * header, each aligned (PostgreSQL's subplan_is_hashable), with room for keys wider
 * than an integer.
 */
const BYTES_PER_HASHED_ROW = 64;
/** PostgreSQL's upper bound for hash_mem_multiplier. */
const MAX_MULTIPLIER = 1000;
/** The most memory one session's hash may be allowed. */
export const MAX_HASH_MEM_BYTES = 1024 ** 3;

/** Lets `client`'s session hash sets of up to `largestTableRows` rows. */
export async function allowHashedSets(client: pg.ClientBase, largestTableRows: number): Promise<void> {
  const { rows } = await client.query<{ work_mem: string; multiplier: number }>(
    "SELECT pg_size_bytes(current_setting('work_mem'))::text AS work_mem, current_setting('hash_mem_multiplier')::float8 AS multiplier",
  );
  const workMem = Number(rows[0]?.work_mem ?? 0);
  const current = rows[0]?.multiplier ?? 1;
  if (!(workMem > 0)) return;
  const wanted = Math.min(MAX_HASH_MEM_BYTES, Math.max(0, largestTableRows) * BYTES_PER_HASHED_ROW);
  const needed = Math.min(MAX_MULTIPLIER, Math.ceil(wanted / workMem));
  // A number the portal computed, never production's text.
  if (needed > current) await client.query(`SET hash_mem_multiplier = ${needed}`);
}

/** The most rows of any of `tables`: what a named set of a partial copy may reach. */
export const largestTable = (tables: readonly { estimatedRows?: number }[]) => Math.max(0, ...tables.map((t) => t.estimatedRows ?? 0));
