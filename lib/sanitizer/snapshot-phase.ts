/**
 * Everything that happens while production's snapshot is open: read the schema,
 * rule 0 and rule 15 (before anything exists), plan the sanitizing SELECTs, create
 * the database and its bare tables, stream the data. The snapshot is closed as soon
 * as the last row is in: production's transaction stays open no longer than needed,
 * and while it is open a watchdog makes the copy give way to any production session
 * it blocks (lib/sanitizer/lock-watchdog.ts).
 */
import type pg from "pg";
import { withDatabase } from "../db/urls";
import { copyLimits } from "../config/copy-limits";
import { readCarryOver, NOTHING_CARRIED, type CarryOver } from "./carry-over";
import type { Classification } from "./classification";
import { createSandboxDatabase } from "./create-database";
import { copyData, tableStepKey, withTargetClient, type CopyResult } from "./copy-data";
import { watchForBlockedProduction } from "./lock-watchdog";
import { buildCopyPlans, type TablePlan } from "./copy-plan";
import { buildSchemaDdl } from "./ddl";
import { assertNoDrift } from "./drift";
import type { SchemaPlan } from "./schema-plan";
import type { SandboxOptions } from "./options";
import { preflight, type Preflight } from "./preflight";
import type { ProgressStep, ProgressTracker } from "./progress";
import { readSourceSchema, type SourceSchema } from "./schema-reader";
import { rateLimitFromMegabytes } from "./rate-limit";
import { openSnapshot } from "./snapshot";

export interface SnapshotPhaseInput {
  productionUrl: string;
  sandboxServerUrl: string;
  databaseName: string;
  options: SandboxOptions;
  classification: Classification;
  carryOverFromUrl?: string;
  tracker: ProgressTracker;
  /** Steps that follow the tables, added once the table list is known. */
  laterSteps: Omit<ProgressStep, "state">[];
  step: (key: string) => Promise<void>;
  beforeStep?: (key: string) => Promise<void>;
  onDatabaseCreated: () => void;
  signal?: AbortSignal;
  /** statement_timeout of the snapshot's sessions: the run's deadline. */
  statementTimeoutMs?: number;
  /** Cap on the run's reading from production, MB/s; none when absent or 0. */
  rateLimitMBps?: number;
}

export interface SnapshotPhaseResult {
  snapshotAt: Date;
  schema: SourceSchema;
  /** What the sandbox's schema holds: recognised contract objects and classified ones. */
  plan: SchemaPlan;
  facts: Preflight;
  plans: TablePlan[];
  carried: CarryOver;
  copy: CopyResult;
}

export async function runSnapshotPhase(input: SnapshotPhaseInput): Promise<SnapshotPhaseResult> {
  const { tracker, options } = input;
  await input.step("snapshot");
  const snapshot = await openSnapshot(input.productionUrl, { statementTimeoutMs: input.statementTimeoutMs });
  const watchdog = watchForBlockedProduction(input.productionUrl, snapshot, copyLimits().blockingGraceMs);
  const signal = input.signal ? AbortSignal.any([input.signal, watchdog.signal]) : watchdog.signal;
  try {
    const schema = await readSourceSchema(snapshot.main);
    const plan = await assertNoDrift(snapshot.main, schema, input.classification);
    const facts = await preflight(snapshot.main, options);
    const carried = input.carryOverFromUrl ? await readCarryOver(input.carryOverFromUrl) : NOTHING_CARRIED;
    const plans = buildCopyPlans(schema.tables, {
      options,
      classification: input.classification,
      snapshotAt: snapshot.at,
      newMailboxId: facts.newMailboxId,
      // The keys the sandbox will enforce: a partial copy must leave none of them dangling.
      foreignKeys: plan.constraints.flatMap((k) =>
        k.kind === "f" && k.foreignKey ? [{ table: k.table, columns: k.columns, refTable: k.foreignKey.table, refColumns: k.foreignKey.columns }] : [],
      ),
    });
    tracker.insertAfter(
      "schema",
      plans.map((p) => ({ key: tableStepKey(p.table), label: `Copy ${p.table}`, unit: "rows" as const, done: 0, total: p.estimatedRows })),
    );
    for (const s of input.laterSteps) tracker.add(s);
    tracker.finish("snapshot", { detail: `production as of ${snapshot.at.toISOString()}` });

    await input.step("schema");
    await createDatabase(input.sandboxServerUrl, input.databaseName, snapshot.main);
    input.onDatabaseCreated();
    const targetUrl = withDatabase(input.sandboxServerUrl, input.databaseName);
    await withTargetClient(targetUrl, async (target) => {
      for (const sql of buildSchemaDdl(plan).beforeData) await target.query(sql);
    });
    tracker.finish("schema", { detail: `${schema.tables.length} tables` });

    const copy = await copyData({ snapshot, targetUrl, plans, tracker, beforeStep: input.beforeStep, signal, rateLimit: rateLimitFromMegabytes(input.rateLimitMBps) });
    return { snapshotAt: snapshot.at, schema, plan, facts, plans, carried, copy };
  } catch (error) {
    // Whatever surfaced first (a terminated session, an aborted stream), the reason is that the copy gave way.
    if (watchdog.signal.aborted) throw watchdog.signal.reason;
    throw error;
  } finally {
    await watchdog.stop();
    await snapshot.close();
  }
}

/** Production's encoding; the sandbox server's own locale (production's may not exist there). */
async function createDatabase(serverUrl: string, name: string, production: pg.ClientBase): Promise<void> {
  const { rows } = await production.query<{ enc: string }>(
    "SELECT pg_encoding_to_char(encoding) AS enc FROM pg_database WHERE datname = current_database()",
  );
  await createSandboxDatabase(serverUrl, name, rows[0]?.enc ?? "UTF8");
}
