/**
 * provisionSandbox: one production snapshot → a new, sanitized, verified sandbox
 * database. Production only ever receives reads (read-only sessions). Nothing is
 * created before rule 0 and rule 15 pass; on any failure or abort the half-made
 * database is dropped, so a sandbox either exists complete and verified or not at all.
 *
 * Every wait is bounded: production's sessions by their lock, statement and idle
 * timeouts, the whole run by its deadline; hitting one fails the run with a
 * transient code (lib/sanitizer/errors.ts) that the queue retries later.
 *
 * Steps: snapshot (+ drift, preflight) → schema → one step per table → indexes →
 * rules → foreign keys and sequences → verify.
 */
import { copyLimits } from "../config/copy-limits";
import { endOrCut } from "../db/client";
import { assertTlsAllowed, TlsRefusedError } from "../db/tls-policy";
import { withDatabase } from "../db/urls";
import { ProductionNotReadOnlyError } from "../crm/read-only";
import { classificationInForce, loadClassification, type Classification } from "./classification";
import type pg from "pg";
import { TargetSessions } from "./target-sessions";
import { buildSchemaDdl, sandboxSequences, sequenceResetSql, type SchemaDdl } from "./ddl";
import { classifyDriverError, deadlineError, type RunBounds } from "./driver-errors";
import type { PaceBounds } from "./copy-pace";
import { databaseExists, dropSandboxDatabase } from "./drop";
import { SanitizationError } from "./errors";
import type { SandboxExpectations } from "./expectations";
import type { RoomReserver } from "./expected-size";
import { RoomWatch } from "./room-watch";
import { sandboxOptionsSchema, type SandboxOptionsInput } from "./options";
import { startPostRules, type PostRuleChanges, type PostRules } from "./post-rules";
import { allSettledOrThrow, timePhase, type PhaseListener } from "./phase-times";
import { ProgressTracker, type ProgressListener } from "./progress";
import { MAX_TASK_NAME, MAX_USERNAME, type SanitizationReport } from "./report";
import { buildRuleReports, RULE_STEPS } from "./rule-reports";
import { runParallel } from "./run-parallel";
import { checkPersonalData } from "./pseudonyms/find-production-values";
import { runSnapshotPhase } from "./snapshot-phase";
import { publicTable } from "./sql";
import { assertVerified, CHECK_COUNT, openVerifierSession, verifySandbox } from "./verify";
import { oneLine } from "../untrusted-text";

export interface ProvisionInput {
  productionUrl: string;
  /** A URL on the sandbox server whose role may CREATE DATABASE. */
  sandboxServerUrl: string;
  /** Created by the run; must not exist. */
  databaseName: string;
  /** The run's attempt: its production sessions are named by it and the database (snapshot.ts). */
  attempt?: number;
  sandboxCustomerId: string;
  serviceMailboxAddress: string;
  options: SandboxOptionsInput;
  /** Refresh: the previous copy, whose app authorizations and webhooks are carried over (rule 8). */
  carryOverFromUrl?: string;
  /** Defaults to the classification file (CRM_CLASSIFICATION_FILE or prisma/crm/classification.json). */
  classification?: Classification;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /**
   * Asked before a failed copy drops its database: whether the database is still this
   * copy's. A job's worker that was cut off while its run was given to another worker
   * (whose attempt builds a database of the same name) must leave it alone. Always, when
   * not given.
   */
  stillOwnsDatabase?: () => Promise<boolean>;
  /** The run's overall deadline (scaled by production's size by the caller); the shortest one by default. */
  deadlineMs?: number;
  /** When the copy's pace is judged (copy-pace.ts); tests shorten it. */
  paceBounds?: PaceBounds;
  /** Cap on reading production, MB/s for the whole run; COPY_RATE_LIMIT_MBPS by default (0: none). */
  rateLimitMBps?: number;
  /** Awaited before each step starts (keys as in the progress). For tests and operators' pauses. */
  beforeStep?: (key: string) => Promise<void>;
  /** Told how long each phase took (phase-times.ts): the benchmark's breakdown. */
  onPhase?: PhaseListener;
  /**
   * Rule 18: the sandbox's own secret that keys its pseudonyms (the same one on every
   * refresh keeps the same fake people). Required when the options pseudonymise.
   */
  pseudonymSecret?: string;
  /**
   * Asked for the copy's room on the sandbox server, with its expected size, before its
   * database is created: a refusal ends the run with nothing made (NO_ROOM, TOO_LARGE).
   * None: the copy takes what it needs.
   */
  reserveRoom?: RoomReserver;
  /**
   * The most room an earlier attempt of this run was refused: the first ask is at least
   * this, so a retry that cannot fit stops before it reads production again.
   */
  roomAtLeastBytes?: number;
}

export async function provisionSandbox(input: ProvisionInput): Promise<SanitizationReport> {
  const started = Date.now();
  const parsed = sandboxOptionsSchema.safeParse(input.options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new SanitizationError("INVALID_OPTIONS", `Invalid options: ${problems.join("; ")}`, { problems });
  }
  const options = parsed.data;
  if (options.personalData === "pseudonymise" && !input.pseudonymSecret) {
    throw new SanitizationError("INVALID_OPTIONS", "Invalid options: personalData: pseudonymising needs the sandbox's secret.");
  }
  refuseUncheckedTls(input);
  const classification = input.classification ?? (await loadClassification());
  const limits = copyLimits();
  const bounds: RunBounds = { ...limits, deadlineMs: input.deadlineMs ?? limits.deadlineMs(0) };
  const deadline = AbortSignal.timeout(bounds.deadlineMs);
  const deadlineAt = Date.now() + bounds.deadlineMs;
  // The copy is held to the room it reserves on the sandbox server (room-watch.ts).
  const roomWatch = input.reserveRoom ? new RoomWatch(input.sandboxServerUrl, input.databaseName, input.reserveRoom) : undefined;
  const signal = AbortSignal.any([deadline, ...(input.signal ? [input.signal] : []), ...(roomWatch ? [roomWatch.signal] : [])]);
  const tracker = new ProgressTracker(input.onProgress);
  tracker.add({ key: "snapshot", label: "Snapshot of production, contract check" });
  tracker.add({ key: "schema", label: "Create the database and its tables" });
  const step = async (key: string) => {
    signal.throwIfAborted();
    await input.beforeStep?.(key);
    signal.throwIfAborted();
    tracker.start(key);
  };

  const targetUrl = withDatabase(input.sandboxServerUrl, input.databaseName);
  // Every session on the sandbox server is cut at the deadline too (sandbox-session.ts).
  const targets = new TargetSessions(targetUrl, signal);
  let created = false;
  // Started as soon as the database exists: the client's first connect (loading its query
  // engine) passes while the rows are copied, not after them (a partial copy's indexes,
  // which it used to pass beside, take a tenth of a second).
  let postRules: PostRules | undefined;
  let verifier: Promise<pg.Client> | undefined;
  try {
    if (await databaseExists(input.sandboxServerUrl, input.databaseName)) {
      throw new SanitizationError("DATABASE_EXISTS", `Database ${input.databaseName} already exists; a run never overwrites one.`);
    }
    const phase = await runSnapshotPhase({
      ...input,
      signal,
      statementTimeoutMs: bounds.deadlineMs,
      deadlineAt,
      rateLimitMBps: input.rateLimitMBps ?? limits.rateLimitMBps,
      options,
      classification,
      tracker,
      step,
      laterSteps: [
        { key: "indexes", label: "Build keys and indexes" },
        ...RULE_STEPS,
        { key: "constraints", label: "Foreign keys and sequences" },
        { key: "verify", label: "Verify every rule on the copy", unit: "checks", done: 0, total: CHECK_COUNT },
      ],
      targets,
      reserveRoom: roomWatch && ((bytes) => roomWatch.reserveFirst(bytes)),
      onDatabaseCreated: () => {
        created = true;
        roomWatch?.start();
        postRules = startPostRules(targetUrl, signal);
      },
    });
    const { facts, plan, plans, carried, copy, snapshotAt, personalData } = phase;
    const ddl = buildSchemaDdl(plan);
    const { onPhase } = input;
    // One round trip: the statements are the portal's own, with numbers checked as numbers.
    const resetSequences = (client: pg.ClientBase) => client.query(sandboxSequences(plan).map(sequenceResetSql).filter(Boolean).join(";\n"));

    const afterCopy = (postRules ??= startPostRules(targetUrl, signal));
    verifier = openVerifierSession(targetUrl, signal);
    verifier.catch(() => undefined); // a failure is raised where verification awaits it
    let post: PostRuleChanges;
    try {
      await step("indexes");
      const builds = indexBuilds(ddl, new Set(copy.tables.filter((t) => t.rows === 0).map((t) => t.name)), phase.indexed);
      await timePhase(onPhase, "indexes", async () => runParallel(await targets.all(), builds, (done) => tracker.update("indexes", { done, total: builds.length })));
      tracker.finish("indexes");

      for (const s of RULE_STEPS) await step(s.key);
      // Rows the rules create (rule 11's opt-ins) take their ids from the sequences:
      // those must be past the copied maximum first.
      await timePhase(onPhase, "sequences", async () => resetSequences(await targets.first()));
      post = await timePhase(onPhase, "after-copy rules", () =>
        afterCopy.apply({
          sandboxCustomerId: input.sandboxCustomerId,
          sourceCustomerId: facts.installation.customerId,
          sourceCompanyName: facts.installation.companyName,
          sourceSerialNumber: facts.installation.serialNumber,
          snapshotAt,
          options,
          serviceMailboxAddress: input.serviceMailboxAddress,
          newMailboxId: facts.newMailboxId,
          serviceBaseUrl: facts.installation.serviceBaseUrl,
          carried,
        }),
      );
    } finally {
      postRules = undefined;
      await afterCopy.close();
    }
    // The copy's rows are final: rule 18's check (the worker's own work, not the
    // servers') runs from here, beside the foreign keys, the statistics and the other checks.
    const personalDataFindings = personalData ? checkPersonalData(targetUrl, classification, personalData.production, signal) : undefined;
    personalDataFindings?.catch(() => undefined); // awaited by verification; a failure is raised there
    // Rule 18's rewriting is counted by the copy's stream, as the after-copy rules count theirs.
    const rules = buildRuleReports(plans, copy.changes, copy.rewritten.size ? { ...post, 18: Object.fromEntries(copy.rewritten) } : post);
    for (const r of rules) {
      const changed = Object.values(r.changes).reduce((a, b) => a + b, 0);
      if (RULE_STEPS.some((s) => s.key === `rule:${r.rule}`)) tracker.finish(`rule:${r.rule}`, { detail: `${changed} changed` });
    }

    // After the rules, so the carried rows and the new mailbox are checked by the
    // foreign keys and counted by the sequences too. The keys are added here, unchecked
    // (NOT VALID), before the checks, which read them (a partial copy's orphan check);
    // they are validated beside the checks below.
    await step("constraints");
    const { keptTasks, signInNames } = await timePhase(onPhase, "foreign keys, sequences", () =>
      targets.first().then(async (client) => {
        await client.query(ddl.foreignKeys.map((fk) => fk.add).join(";\n"));
        await resetSequences(client);
        // By name for the report: people know their tasks by name, not by id.
        const tasks = await client.query<{ id: number; name: string }>(
          "SELECT id, left(name, $2) AS name FROM public.scheduled_task WHERE id = ANY($1::int[]) ORDER BY name, id",
          [options.keepEnabledTaskIds, MAX_TASK_NAME],
        );
        // What the people given access sign in with: a pseudonymised copy's usernames are not production's (rule 18).
        const names = await client.query<{ id: number; username: string }>(
          "SELECT id, left(username, $2) AS username FROM public.associate WHERE id = ANY($1::int[]) AND username IS NOT NULL ORDER BY id",
          [options.users.map((u) => u.associateId), MAX_USERNAME],
        );
        return { keptTasks: tasks.rows, signInNames: names.rows };
      }),
    );
    tracker.finish("constraints");

    await step("verify");
    const expectations: SandboxExpectations = {
      sourceCustomerId: facts.installation.customerId,
      sandboxCustomerId: input.sandboxCustomerId,
      snapshotAt: snapshotAt.toISOString(),
      sourceCompanyName: facts.installation.companyName,
      sourceSerialNumber: facts.installation.serialNumber,
      serviceMailboxAddress: input.serviceMailboxAddress,
      newMailboxId: facts.newMailboxId,
      options,
      classification: classificationInForce(classification, phase.schema),
      tableRows: Object.fromEntries(copy.tables.map((t) => [t.name, t.rows])),
      ticketsClosed: rules.find((r) => r.rule === 5)?.changes["ticket.closed"] ?? 0,
      preferencesCreated: post[11]?.["preference.created"] ?? 0,
      // Counted on production apart from how the copy found its rows (partial-chosen-counts.ts).
      ...(phase.chosenRows ? { chosenRows: phase.chosenRows } : {}),
      carried: {
        appAuthorizations: carried.appAuthorizations.map((a) => ({ id: a.id, name: a.app_name })),
        webhooks: carried.webhooks.map((w) => ({ id: w.id, name: w.name })),
      },
    };
    // ANALYZE changes no row, only the planner's statistics: it runs beside the checks.
    // The copy's own tables only: the catalogs came from template0 with their statistics.
    const analyze = `ANALYZE ${plan.tables.map((t) => publicTable(t.name)).join(", ")}`;
    const verifierSession = verifier;
    verifier = undefined; // verification ends it
    // Three sessions at once: validating the foreign keys (a scan each, which checks production's
    // own references: a broken one fails the copy) on the last, the statistics on the first, the
    // checks on the verifier's. One after another, the keys had kept the statistics and the
    // checks waiting (0.5-0.6 s of serial work on medium; ten alternated pairs on 2 cores were
    // faster so in seven, within the noise: both cores were busy anyway). Locks: ANALYZE and VALIDATE take
    // SHARE UPDATE EXCLUSIVE, one table at a time, so they wait for each other, never in a circle.
    const [, , verification] = await allSettledOrThrow(
      timePhase(onPhase, "validate foreign keys", async () => runParallel([(await targets.all()).at(-1)!], ddl.foreignKeys.map((fk) => fk.validate))),
      timePhase(onPhase, "analyze", async () => (await targets.first()).query(analyze)),
      timePhase(onPhase, "verify", () =>
        verifySandbox(verifierSession, expectations, (done) => tracker.update("verify", { done }), personalDataFindings ? { personalDataFindings } : {}),
      ),
    );
    for (const v of verification.rules) {
      const report = rules.find((r) => r.rule === v.rule);
      if (report) report.checks = v.checks;
    }
    await targets.close();
    await roomWatch?.stop();
    assertVerified(verification);
    tracker.finish("verify", { detail: "every rule holds" });
    await tracker.flush();

    return {
      snapshotAt: expectations.snapshotAt,
      sourceCustomerId: expectations.sourceCustomerId,
      sandboxCustomerId: input.sandboxCustomerId,
      options,
      keptTasks,
      signInNames,
      tables: copy.tables,
      rules,
      durationMs: Date.now() - started,
      expectations,
    };
  } catch (error) {
    await roomWatch?.stop();
    // Whatever surfaced first (a cut session, an aborted stream), the reason is the room refused.
    const failure = roomWatch?.refusal() ?? toSanitizationError(error, bounds, input.signal, deadline);
    await targets.close();
    await postRules?.close().catch(() => undefined);
    await verifier?.then((session) => endOrCut(session)).catch(() => undefined);
    // The progress is on the customer's page: a driver's words stay in the operators' log.
    await tracker.fail(
      failure.technical ? (failure.shown ?? "The copy stopped on an unexpected error.") : oneLine(failure.message.split("\n")[0] ?? failure.code, 500),
      failure.code === "ABORTED" ? "stopped" : "failed",
    );
    // Not known to be this copy's any more (the question failed too): left to whoever holds it, or to the sweeps.
    if (created && (await ownsDatabase(input))) {
      // The run's own error is what the caller needs; a failed clean-up goes with it, for operators
      // only (its customer reads the error's message, and a driver's words name hosts and ports).
      await dropSandboxDatabase(input.sandboxServerUrl, input.databaseName).catch((dropError: unknown) => {
        failure.cleanupFailure = `dropping the half-made database ${input.databaseName} failed: ${String(dropError)}`;
      });
    }
    throw failure;
  }
}

/** Whether a failed copy may drop its database (ProvisionInput.stillOwnsDatabase); not when the question fails too. */
async function ownsDatabase(input: ProvisionInput): Promise<boolean> {
  return input.stillOwnsDatabase ? input.stillOwnsDatabase().catch(() => false) : true;
}

/**
 * The index statements, one build each for tables with rows (two run at once), and
 * one round trip for all the empty tables' (a configuration-only copy has many):
 * an index on an empty table costs less than the round trip.
 */
function indexBuilds(ddl: SchemaDdl, emptyTables: Set<string>, built: ReadonlySet<string>): string[] {
  const empty = ddl.indexes.filter((i) => emptyTables.has(i.table)).map((i) => i.sql);
  const loaded = ddl.indexes.filter((i) => !emptyTables.has(i.table) && !built.has(i.table)).map((i) => i.sql);
  return empty.length ? [empty.join(";\n"), ...loaded] : loaded;
}

/**
 * REQUIRE_DATABASE_TLS (lib/db/tls-policy.ts): neither production's rows nor the copy
 * travel but over checked TLS. Refused before anything is read or made; production's
 * sessions would refuse its URL anyway (read-only.ts).
 */
function refuseUncheckedTls(input: Pick<ProvisionInput, "productionUrl" | "sandboxServerUrl">): void {
  try {
    assertTlsAllowed(input.productionUrl, "production's URL");
    assertTlsAllowed(input.sandboxServerUrl, "the sandbox server's URL");
  } catch (error) {
    throw refusedConnection(error) ?? error;
  }
}

/**
 * A session the portal's own checks refused (read-only.ts, tls-policy.ts): its message names
 * the setting and the host, for operators; the customer reads a sentence without them.
 */
function refusedConnection(error: unknown): SanitizationError | null {
  if (!(error instanceof ProductionNotReadOnlyError || error instanceof TlsRefusedError)) return null;
  return new SanitizationError("CONNECTION_REFUSED", error.message, undefined, { cause: error, technical: true, shown: REFUSED_WORDS });
}

const REFUSED_WORDS = "The portal refused a connection that does not meet its safety settings; nothing was read or created.";

function toSanitizationError(error: unknown, bounds: RunBounds, cancelled: AbortSignal | undefined, deadline: AbortSignal): SanitizationError {
  if (error instanceof SanitizationError) return error;
  const refused = refusedConnection(error);
  if (refused) return refused;
  if (cancelled?.aborted) return new SanitizationError("ABORTED", "The run was cancelled; nothing was kept.", undefined, { cause: error });
  if (deadline.aborted) return deadlineError(bounds, error);
  const known = classifyDriverError(error, bounds);
  if (known) return known;
  const message = error instanceof Error ? error.message : String(error);
  return new SanitizationError("COPY_FAILED", `The copy failed: ${message}`, undefined, { cause: error, technical: true });
}
