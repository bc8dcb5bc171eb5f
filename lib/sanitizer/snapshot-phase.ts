/**
 * Everything that happens while production's snapshot is open: read the schema,
 * rule 0 and rule 15 (before anything exists), plan the sanitizing SELECTs, create
 * the database and its bare tables, stream the data. The snapshot is closed as soon
 * as the last row is in: production's transaction stays open no longer than needed.
 */
import type pg from "pg";
import { withDatabase } from "../db/urls";
import { readCarryOver, NOTHING_CARRIED, type CarryOver } from "./carry-over";
import type { Classification } from "./classification";
import { createSandboxDatabase } from "./create-database";
import { copyData, tableStepKey, withTargetClient, type CopyResult } from "./copy-data";
import { buildCopyPlans, type TablePlan } from "./copy-plan";
import { buildSchemaDdl } from "./ddl";
import { assertNoDrift } from "./drift";
import type { SchemaPlan } from "./schema-plan";
import type { SandboxOptions } from "./options";
import { preflight, type Preflight } from "./preflight";
import type { ProgressStep, ProgressTracker } from "./progress";
import { readSourceSchema, type SourceSchema } from "./schema-reader";
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
  const snapshot = await openSnapshot(input.productionUrl);
  try {
    const schema = await readSourceSchema(snapshot.main);
    const plan = await assertNoDrift(snapshot.main, schema, input.classification);
    const facts = await preflight(snapshot.main, options);
    const carried = input.carryOverFromUrl ? await readCarryOver(input.carryOverFromUrl) : NOTHING_CARRIED;
    const plans = buildCopyPlans(schema, input.classification, {
      options,
      snapshotAt: snapshot.at,
      newMailboxId: facts.newMailboxId,
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

    const copy = await copyData({ snapshot, targetUrl, plans, tracker, beforeStep: input.beforeStep, signal: input.signal });
    return { snapshotAt: snapshot.at, schema, plan, facts, plans, carried, copy };
  } finally {
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
