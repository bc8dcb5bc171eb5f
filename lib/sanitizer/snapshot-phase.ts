/**
 * Everything that happens while production's snapshot is open: read the schema,
 * rule 0 and rule 15 (before anything exists), plan the sanitizing SELECTs, create
 * the database and its bare tables, stream the data. The snapshot is closed as soon
 * as the last row is in: production's transaction stays open no longer than needed,
 * and while it is open a watchdog makes the copy give way to any production session
 * it blocks (lib/crm/lock-watchdog.ts).
 */
import type pg from "pg";
import { copyLimits, rateTooSlowForDeadline } from "../config/copy-limits";
import { SanitizationError } from "./errors";
import { pseudonymiseCarried, readCarryOver, NOTHING_CARRIED, type CarryOver } from "./carry-over";
import type { Classification } from "./classification";
import { assertCollationsOnServer } from "./collations";
import { checkSandboxServerRole, createSandboxDatabase } from "./create-database";
import { copyData, countLeftOut, joinSources, mergeResults, type CopyResult } from "./copy-data";
import { tableStepKey } from "./copy-streams";
import type { TargetSessions } from "./target-sessions";
import { watchForBlockedProduction, type WatchFailures } from "../crm/lock-watchdog";
import { copyPace, type PaceBounds } from "./copy-pace";
import { assertNoDanglingKeys, buildCopyPlans, partialChosenCountQuery, partialDownKeysQuery, partialPulledFromCopy, type TablePlan } from "./copy-plan";
import type { DownKeys, PulledIn } from "./partial-closure";
import { readDownKeys } from "./partial-down-keys";
import { readPulledFromCopy } from "./partial-pulled-in";
import { allowHashedSets, largestTable } from "./hashed-sets";
import { ChangeCounts, countWholeTables, needsWholeCount } from "./change-counts";
import { buildSchemaDdl } from "./ddl";
import { assertNoDrift } from "./drift";
import type { SchemaPlan } from "./schema-plan";
import type { SandboxOptions } from "./options";
import { preflight, type Preflight } from "./preflight";
import type { ProgressStep, ProgressTracker } from "./progress";
import { readSourceSchema, type SourceSchema } from "./schema-reader";
import { rateLimitFromMegabytes } from "./rate-limit";
import { copySessionName, openSnapshot } from "./snapshot";
import type { PersonalData } from "./pseudonyms/personal-data";
import { countChosenRowsApart } from "./partial-chosen-counts";
import { chosenCompanyShare, expectedCopyBytes, expectedReadBytes, reserveRoom, type RoomReserver } from "./expected-size";
import { readPersonalData } from "./pseudonyms/read-personal-data";
import { allSettledOrThrow, timePhase, type PhaseListener } from "./phase-times";
import { contractTable } from "../crm/contract";
import { quoted } from "../untrusted-text";

export interface SnapshotPhaseInput {
  productionUrl: string;
  sandboxServerUrl: string;
  databaseName: string;
  attempt?: number;
  /** Sessions on the new database, opened once it exists; the caller closes them. */
  targets: TargetSessions;
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
  /** When the run must end (ms since the epoch): the copy stops early when its pace cannot make it (copy-pace.ts). */
  deadlineAt?: number;
  paceBounds?: PaceBounds;
  /** Cap on the run's reading from production, MB/s; none when absent or 0. */
  rateLimitMBps?: number;
  onPhase?: PhaseListener;
  /** Rule 18: the sandbox's secret, when it pseudonymises. */
  pseudonymSecret?: string;
  /** Reserves the copy's room on the sandbox server before its database is created (expected-size.ts). */
  reserveRoom?: RoomReserver;
  /** The room an earlier attempt of the run was refused: asked for at least, whatever the estimate says. */
  roomAtLeastBytes?: number;
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
  /** Rule 18: production's personal values and their pseudonyms, when the sandbox pseudonymises (for the verifier). */
  personalData?: PersonalData;
  /** A partial copy: each table's rows of the chosen companies on production, counted apart from the copy (the dependants check's expectation). */
  chosenRows?: Record<string, number>;
  /** The tables whose keys and indexes were built as soon as their rows were in. */
  indexed: ReadonlySet<string>;
}

/** Why a copy stopped for production: it is tried again later (GAVE_WAY, CONNECTION_LOST). */
export const COPY_GIVES_WAY: WatchFailures = {
  gaveWay: (seconds) => new SanitizationError("GAVE_WAY", `Production needed a table the copy was reading: one of production's own sessions waited more than ${seconds} s, so the copy gave way.`),
  blind: (seconds) =>
    new SanitizationError("CONNECTION_LOST", `The copy could not watch production for sessions it holds up (production did not answer its watching session for ${seconds} s), so it stopped: production comes first.`),
};

export async function runSnapshotPhase(input: SnapshotPhaseInput): Promise<SnapshotPhaseResult> {
  const { tracker, options, onPhase } = input;
  await input.step("snapshot");
  const snapshot = await timePhase(onPhase, "open snapshot", () => openSnapshot(input.productionUrl, { statementTimeoutMs: input.statementTimeoutMs, signal: input.signal, sessionName: copySessionName(input.databaseName, input.attempt) }));
  const watchdog = watchForBlockedProduction(input.productionUrl, snapshot, copyLimits().blockingGraceMs, COPY_GIVES_WAY);
  // Only reads the sandbox server: it runs while production's schema is read, and is awaited before CREATE DATABASE.
  const roleChecked = checkSandboxServerRole(input.sandboxServerUrl);
  roleChecked.catch(() => undefined); // a failure is raised where it is awaited
  const pace = copyPace(input.deadlineAt, input.paceBounds);
  const signal = AbortSignal.any([...(input.signal ? [input.signal] : []), watchdog.signal, pace.signal]);
  // The copy's other sessions join the snapshot while its schema is read: they only read.
  const joining = joinSources(snapshot);
  joining.catch(() => undefined); // a failure is raised where it is awaited
  const counts = new ChangeCounts();
  try {
    const schema = await timePhase(onPhase, "read schema", () => readSourceSchema(snapshot.main));
    const plan = await timePhase(onPhase, "drift check (rule 0)", () => assertNoDrift(snapshot.main, schema, input.classification));
    const ddl = buildSchemaDdl(plan);
    const facts = await timePhase(onPhase, "preflight (rule 15)", () => preflight(snapshot.main, options));
    // For the room the copy reserves on the sandbox server (expected-size.ts).
    const companyShare = await chosenCompanyShare(snapshot.main, options);
    const carried = input.carryOverFromUrl ? await readCarryOver(input.carryOverFromUrl, { plan, classification: input.classification }) : NOTHING_CARRIED;
    const ruleContext = {
      options,
      classification: input.classification,
      snapshotAt: snapshot.at,
      newMailboxId: facts.newMailboxId,
      // The keys the sandbox will enforce: a partial copy must leave none of them dangling.
      foreignKeys: plan.constraints.flatMap((k) =>
        k.kind === "f" && k.foreignKey ? [{ table: k.table, columns: k.columns, refTable: k.foreignKey.table, refColumns: k.foreignKey.columns }] : [],
      ),
    };
    // Written before anything is created: a closure that cannot be written (tables in a circle) is refused first.
    const pulledFrom = partialPulledFromCopy(schema.tables, ruleContext);
    assertNoDanglingKeys(schema.tables, ruleContext);
    for (const s of input.laterSteps) tracker.add(s);
    tracker.finish("snapshot", { detail: `production as of ${snapshot.at.toISOString()}` });

    // A partial copy's dependants check expects production's counts made apart from the
    // copy (partial-chosen-counts.ts): on a session of their own, beside all that follows.
    const apartQuery = partialChosenCountQuery(schema.tables, ruleContext);
    const chosenCounted = apartQuery
      ? timePhase(onPhase, "count chosen companies' rows", () => countChosenRowsApart(snapshot, apartQuery, largestTable(schema.tables)))
      : undefined;
    chosenCounted?.catch(() => undefined); // a failure is raised where it is awaited
    const encoding = await productionEncoding(snapshot.main);
    const sources = await timePhase(onPhase, "join snapshot", () => joining);
    if (options.kind === "partial") await Promise.all(sources.map((source) => allowHashedSets(source, largestTable(schema.tables))));
    // A partial copy takes the tables that copied rows pull rows into (contacts and
    // companies) in two parts: their own share with every other table, and the rows
    // pulled in beyond it once the rows that name them are in.
    const shares = new Map(pulledFrom.filter((q) => q.hasShare).map((q) => [q.table, "share" as const]));
    const onlyPulledIn = new Set(pulledFrom.filter((q) => !q.hasShare).map((q) => q.table));
    const plansWith = (downKeys: ReadonlyMap<string, DownKeys>) => buildCopyPlans(schema.tables, { ...ruleContext, partialParts: shares, partialDownKeys: downKeys });
    /** The plans the streams take from the start (a table that is only pulled in waits as a deferred plan). */
    const streamedOf = (plans: TablePlan[]) => plans.filter((p) => p.select !== null && !onlyPulledIn.has(p.table));
    // The steps and the left-out counts need no key; the statements that copy take the chosen rows' keys once read.
    const plans = plansWith(new Map());
    // What the copy reads from production, as reckoned from its table sizes: judged against its deadline, before and while it streams.
    const readBytes = expectedReadBytes(plans, companyShare);
    /** The plans that copy a table's rows: the table's own, and the rows pulled into it beyond its share. */
    const partsOf = (table: string) => [...(onlyPulledIn.has(table) ? [] : [table]), ...(pulledFrom.some((q) => q.table === table) ? [pulledInPart(table)] : [])];
    const common = { sources, tracker, beforeStep: input.beforeStep, signal };
    // What needs only the snapshot runs while the database is made: counting what the
    // rules leave out and a partial copy's whole tables, reading its chosen rows' keys,
    // and rule 18's reading of production's personal values.
    tracker.insertAfter("schema", [
      ...plans.filter((p) => !onlyPulledIn.has(p.table)).map((p) => ({ key: tableStepKey(p.table), label: `Copy ${tableShown(p.table)}`, unit: "rows" as const, done: 0, total: p.estimatedRows })),
      // How many rows are pulled in is known only once the rows that name them are in: no count till then.
      ...pulledFrom.map((q) => ({ key: tableStepKey(pulledInPart(q.table)), label: `Copy the ${tableShown(q.table)} rows that copied rows refer to`, unit: "rows" as const })),
    ]);
    // Rule 18's reading of production's values takes both sessions. A session runs one
    // statement at a time: what else reads on them starts once it is done (pg queued such
    // statements itself, a way it deprecates).
    const personalDataRead =
      options.personalData === "pseudonymise"
        ? timePhase(onPhase, "read personal data (rule 18)", () =>
            readPersonalData(sources, schema.tables, input.classification, input.pseudonymSecret!, options.invalidationDomain),
          )
        : Promise.resolve(undefined);
    const sourcesFree = personalDataRead.then(
      () => undefined,
      () => undefined,
    );
    // A partial copy's chosen rows' keys, read once on the last session (partial-down-keys.ts).
    const downKeysRead =
      options.kind === "partial"
        ? sourcesFree.then(() => timePhase(onPhase, "chosen rows' keys", () => readDownKeys(sources.at(-1)!, partialDownKeysQuery(schema.tables, ruleContext))))
        : Promise.resolve(new Map<string, DownKeys>());
    downKeysRead.catch(() => undefined); // a failure is raised where it is awaited
    const [, { leftOut, wholeCountsRest }, personalData, downKeys] = await allSettledOrThrow(
      (async () => {
        await input.step("schema");
        // A copy its customer's rate cannot read within the run's deadline would hold production's snapshot till then, every attempt.
        const tooSlow = input.statementTimeoutMs ? rateTooSlowForDeadline(readBytes, input.rateLimitMBps ?? 0, input.statementTimeoutMs) : null;
        if (tooSlow) throw new SanitizationError("COPY_FAILED", tooSlow);
        await reserveRoom(input.reserveRoom, Math.max(expectedCopyBytes(schema, plans, companyShare), input.roomAtLeastBytes ?? 0));
        await timePhase(onPhase, "create database", () => createSandboxDatabase(input.sandboxServerUrl, input.databaseName, encoding, roleChecked, input.signal));
        input.onDatabaseCreated();
        await timePhase(onPhase, "tables (DDL)", () =>
          input.targets.first().then(async (target) => {
            await assertCollationsOnServer(target, plan);
            // One round trip: the statements are the portal's own, and fail or succeed together.
            return target.query(ddl.beforeData.join(";\n"));
          }),
        );
        tracker.finish("schema", { detail: `${schema.tables.length} tables` });
      })(),
      (async () => {
        await sourcesFree;
        const leftOut = await timePhase(onPhase, "count left-out rows", () => countLeftOut({ ...common, plans: plans.filter((p) => p.select === null) }));
        // A partial copy reports the rows outside its share as all rows less those it copied.
        // The count made apart counts all rows of the tables it scans; the others are counted here.
        const countedApart = new Set(apartQuery?.tables ?? []);
        const wholeCountsRest = await timePhase(onPhase, "count whole tables", () =>
          countWholeTables(sources[0]!, plans.filter((p) => p.select !== null && needsWholeCount(p) && !countedApart.has(p.table)).map((p) => p.table)),
        );
        // Then the first session reads the copied tables' counts ahead, until the copy starts
        // (not while rule 18 reads production's values on it: the copy waits for those).
        if (options.personalData !== "pseudonymise") void downKeysRead.then((keys) => counts.readAhead(sources[0]!, streamedOf(plansWith(keys))), () => undefined);
        return { leftOut, wholeCountsRest };
      })(),
      personalDataRead,
      downKeysRead,
    );
    const copyPlans = plansWith(downKeys);

    // Needed once the rows are copied, by when the count made apart has mostly ended.
    const wholeCounts = chosenCounted ? chosenCounted.then(({ whole }) => new Map([...wholeCountsRest, ...whole])) : Promise.resolve(wholeCountsRest);
    wholeCounts.catch(() => undefined); // a failure is raised where it is awaited
    const pulledIn = new Map<string, PulledIn>();
    const indexed = new Set<string>();
    const written = new Map<string, TablePlan>();
    const firstSourceFree = counts.copyStarts();
    const copied = await timePhase(onPhase, "copy rows", async () => {
      const targets = await input.targets.all();
      pace.start(readBytes);
      return copyData({
        ...common,
        pace,
        firstSourceFree,
        plans: streamedOf(copyPlans),
        deferred: pulledFrom.map((query) => ({
          name: pulledInPart(query.table),
          table: query.table,
          // The table's own share, and every part of the children: a pulled-in contact pulls in its company.
          after: [...(query.hasShare ? [query.table] : []), ...query.children.flatMap(partsOf)],
          // On the stream's own session on the copy: the rows that name the keys, and the share, are committed.
          write: async (_source, stream) => {
            const keys = await timePhase(onPhase, "pulled-in keys", () => readPulledFromCopy(query, targets[stream]!));
            if (keys) pulledIn.set(query.table, keys); // else too many for a list: the table follows its children in SQL
            const parts = new Map([[query.table, "pulled in" as const]]);
            const planned = buildCopyPlans(schema.tables, { ...ruleContext, partialPulledIn: pulledIn, partialParts: parts, partialDownKeys: downKeys }).find((p) => p.table === query.table)!;
            // A table with a share reports as its share's plan, the pulled-in rows added to it.
            if (!query.hasShare) written.set(planned.table, planned);
            return planned;
          },
        })),
        targets,
        rateLimit: rateLimitFromMegabytes(input.rateLimitMBps),
        personalData,
        wholeCounts,
        counts,
        afterTable: async (target, table, rows) => {
          // An empty table's indexes cost less than their round trip: they go with the others' after the copy.
          if (rows === 0) return;
          for (const index of ddl.indexes) if (index.table === table) await target.query(index.sql);
          indexed.add(table);
        },
      });
    });
    const chosenRows = (await chosenCounted)?.chosen;
    const final = copyPlans.map((p) => written.get(p.table) ?? p);
    // What the refresh carries is pseudonymised as production's rows are (rule 18).
    const carriedRows = personalData ? pseudonymiseCarried(carried, personalData, input.classification) : carried;
    return { snapshotAt: snapshot.at, schema, plan, facts, plans: final, carried: carriedRows, copy: mergeResults(final, leftOut, copied), personalData, indexed, ...(chosenRows ? { chosenRows } : {}) };
  } catch (error) {
    // Whatever surfaced first (a terminated session, an aborted stream), the reason is that the copy gave way, or could not keep pace.
    throw watchdog.gaveWay() ?? pace.stopped() ?? error;
  } finally {
    pace.stop();
    counts.copyStarts(); // whatever ended the run: no more reading ahead on the snapshot
    await watchdog.stop();
    await snapshot.close();
  }
}

/** The progress step and plan name of the rows a partial copy pulls into `table` beyond its share. */
const pulledInPart = (table: string) => `${table} (pulled in)`;

/** Production's encoding; the sandbox server's own locale (production's may not exist there). */
async function productionEncoding(production: pg.ClientBase): Promise<string> {
  const { rows } = await production.query<{ enc: string }>(
    "SELECT pg_encoding_to_char(encoding) AS enc FROM pg_database WHERE datname = current_database()",
  );
  return rows[0]?.enc ?? "UTF8";
}

/** A table as a progress step names it: the contract's in words ("ticket message", not ticket_message), production's own quoted as they are (untrusted-text.ts). */
function tableShown(table: string): string {
  return contractTable(table) ? table.replaceAll("_", " ") : quoted(table);
}
