/**
 * The shape of a contract rule (CONTRACT.md, "What a sandbox must look like", rules
 * 1–12): one module per rule holds what the rule does to rows, in each place it
 * acts. The engine loops over the list in index.ts:
 * - `copy`: column expressions, a row filter or "no rows" for one production table,
 *   applied inside the copy's SELECT (copy-plan.ts), with the aggregates that count
 *   what it changes. The wizard's dry run runs the very same aggregates on production
 *   (lib/wizard/dry-run.ts), so its preview is the report's count.
 * - `preview`: figures only the dry run shows (what stays, sizes), on the same scan.
 * - `afterCopy`: a few rows written on the finished copy (post-rules.ts).
 * - `checks`: re-checked on the copy before release (rule 14, verify.ts).
 * Rule 0 (classification, drift) and rules 13–16 are properties of the engine;
 * rule 18's rewriting happens in the copy's stream (pseudonyms/), its check here.
 */
import type pg from "pg";
import type { Prisma } from "../../generated/crm/client";
import type { CarryOver } from "../carry-over";
import type { Classification } from "../classification";
import type { SandboxExpectations } from "../expectations";
import type { SandboxOptions } from "../options";
import type { ClosurePart, DownKeys, ForeignKeyEdge, PulledIn, RowScope } from "../partial-closure";
import { cut } from "../../untrusted-text";

export interface RuleContext {
  options: SandboxOptions;
  /** Rule 0's classification: which extra columns hold e-mail addresses (rule 2). */
  classification: Classification;
  snapshotAt: Date;
  /** Id of the sandbox's own Service mailbox (rule 4), created after the copy. */
  newMailboxId: number;
  /** Production's foreign keys (the schema reader's); the contract's when absent. */
  foreignKeys?: readonly ForeignKeyEdge[];
  /** A partial copy's share of each record table (rule 17), computed by buildCopyPlans. */
  partialScopes?: ReadonlyMap<string, RowScope>;
  /** The rows a partial copy's closure pulls in, read once per run (partial-pulled-in.ts); followed in SQL when absent. */
  partialPulledIn?: ReadonlyMap<string, PulledIn>;
  /** The keys of a partial copy's chosen rows, read once per run (partial-down-keys.ts); found in SQL when absent. */
  partialDownKeys?: ReadonlyMap<string, DownKeys>;
  /** The tables a partial copy takes in two parts, and which part the plans are for (partial-closure.ts). */
  partialParts?: ReadonlyMap<string, ClosurePart>;
}

/** A production table as the rules see it. */
export interface RuleTable {
  name: string;
  columns: readonly { name: string }[];
}

export interface ChangeCount {
  rule: number;
  key: string;
  /** An aggregate over the production table, e.g. `count(*) FILTER (WHERE ...)`. */
  aggregate: string;
  /**
   * Counts the rows outside the table's scope, as all rows less those in scope (the
   * aggregate is then `count(*)`): set by the engine on the changes of the rule that
   * declares the scope, which count what it leaves out.
   */
  outsideScope?: boolean;
  /**
   * Set by the engine on a partial copy's counts that the copy itself gives, so no
   * statement re-reads the table's share on production for them: "copied" equals the
   * rows the COPY loaded, "not copied" the table's rows less those.
   */
  fromCopy?: "copied" | "not copied";
}

export interface TableRules {
  /** Column → SQL expression replacing it. */
  columns?: Record<string, string>;
  where?: string;
  /** No row is copied (the table is still created). */
  noRows?: boolean;
  /** Only these rows are copied, and every other rule counts among them alone (rule 17's partial copy). */
  scope?: RowScope;
  changes?: ChangeCount[];
}

/** A figure for the wizard's preview: an aggregate over one production table. */
export interface PreviewCount {
  table: string;
  key: string;
  aggregate: string;
}

export interface AfterCopyInput {
  sandboxCustomerId: string;
  sourceCustomerId: string;
  sourceCompanyName: string;
  sourceSerialNumber: string;
  snapshotAt: Date;
  options: SandboxOptions;
  serviceMailboxAddress: string;
  newMailboxId: number;
  /** Production's installation.service_base_url (rule 6). */
  serviceBaseUrl: string;
  carried: CarryOver;
}

/** What a check may need beyond the copy and the report, known only during the run. */
export interface CheckContext {
  /**
   * Rule 18's offending rows: its check reads every personal column and looks for
   * production's values (read in the run's snapshot, never stored) in the worker's own
   * thread, so it starts on its own connection as soon as the copy's rows are final,
   * beside the work the servers do after that (checkPersonalData).
   */
  personalDataFindings?: Promise<string[]>;
}

export interface CheckDefinition {
  rule: number;
  description: string;
  offending(client: pg.ClientBase, e: SandboxExpectations, context: CheckContext): Promise<string[]>;
}

export interface ContractRule {
  rule: number;
  title: string;
  /**
   * When several rules copy no row of a table, the highest precedence alone counts
   * it (default 0): what the sandbox holds at all (rule 17) comes before what a rule
   * would have done to the rows, so a table is counted as left out once.
   */
  precedence?: number;
  copy?(table: RuleTable, ctx: RuleContext): TableRules | undefined;
  preview?(options: SandboxOptions): PreviewCount[];
  /** Change key → count. Runs inside the one post-copy transaction. */
  afterCopy?(tx: Prisma.TransactionClient, input: AfterCopyInput): Promise<Record<string, number>>;
  checks: CheckDefinition[];
  /** Plain words for each change key the report shows ("Tickets closed"), never a table or column name. */
  changeLabel(key: string): string | undefined;
  /** Where a change stands among the rule's others in the report (lowest first; same rank, as counted): none, as counted. */
  changeRank?(key: string): number;
}

export const countAll = "count(*)";
export const countWhere = (condition: string) => `count(*) FILTER (WHERE ${condition})`;

/** How many offending rows a failed check names. */
export const OFFENDING_LIMIT = 5;

/** How much of an offending row the report shows: some name a value copied from production, which may be of any size. */
const OFFENDING_CHARS = 300;

/** A check's offending rows as the report keeps them: the first OFFENDING_LIMIT, each cut to OFFENDING_CHARS. */
export function boundedOffending(rows: readonly string[]): string[] {
  return rows.slice(0, OFFENDING_LIMIT).map((row) => cut(row, OFFENDING_CHARS));
}

/** The first few values of column `o` of `sql`: a check's offending rows, each cut to OFFENDING_CHARS. */
export async function offendingRows(client: pg.ClientBase, sql: string, params: unknown[] = []): Promise<string[]> {
  const { rows } = await client.query<{ o: string }>(`SELECT left(o, ${OFFENDING_CHARS}) AS o FROM (${sql}) q LIMIT ${OFFENDING_LIMIT}`, params);
  return rows.map((r) => r.o);
}

export const check = (rule: number, description: string, offending: CheckDefinition["offending"]): CheckDefinition => ({
  rule,
  description,
  offending,
});
