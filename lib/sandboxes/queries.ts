/**
 * Reads of sandboxes: the list, a sandbox's page, the progress route and the
 * report downloads.
 * Tenant scope is part of every `where`: another tenant's sandbox is simply
 * not found (a 404), whatever its id.
 */
import "server-only";
import { db } from "../db/portal";
import { databaseNow } from "../db/database-clock";
import type { Actor } from "../auth/policy";
import { visibleSandboxes } from "./visibility";
import type { Prisma } from "../generated/portal/client";
import type { RunProgress } from "../sanitizer/progress";
import { MAX_TASK_NAME, type SanitizationReport } from "../sanitizer/report";
import { ACTIVE_RUN_STATUSES, describeLostRun, describeSilentRun } from "../jobs/lifecycle";
import { isBeingStopped, shownRunStatus, wasCancelled } from "../jobs/failure";
import { publicFailure, type RunFailureCodeName } from "../api/run-failure";
import { describeServerWait, tenantSlotsTaken, TENANT_WAIT_WORDS } from "../jobs/slots";
import { shownStatus, type ShownStatus } from "./labels";
import { LIST_PAGE_SIZE, type ListOptions } from "../lists/keyset";
import { readSandboxPage, sandboxListWhere } from "./list-filter";
import { tenantCopyRateMBps } from "../config/copy-limits";
import { isPlainId } from "../http/plain-id";
import { SANDBOX_DEFAULT_SORT, SANDBOX_SORTS, type SandboxListQuery } from "./list-schema";
import {
  copyShape,
  DEFAULT_BYTES_PER_SECOND,
  estimateRemainingMs,
  heldToCopyRate,
  personalDataOf,
  progressFraction,
  pseudonymisedFactorFromRuns,
  tellsRate,
  throughputFromRuns,
  typicalDurationMs,
  type PastCopy,
  type Throughput,
} from "./estimate";

/** The kind of a sandbox's queued or running run, for its shown status. */
const activeRun = {
  where: { status: { in: [...ACTIVE_RUN_STATUSES] } },
  take: 1,
  select: { kind: true },
} satisfies Prisma.Sandbox$runsArgs;

const LIST_SELECT = {
  id: true,
  name: true,
  status: true,
  snapshotAt: true,
  lastRefreshedAt: true,
  sizeBytes: true,
  createdAt: true,
  sandboxCustomerId: true,
  databaseName: true,
  tenant: { select: { companyName: true, customerId: true } },
  runs: activeRun,
} satisfies Prisma.SandboxSelect;

/**
 * One page of the sandboxes the actor may see, filtered and sorted as the URL asks
 * (newest first by default); deleted ones (kept for their history) only when asked
 * for, or when the status filter names them.
 */
export async function listSandboxes(actor: Actor, query: Partial<SandboxListQuery> = {}, { pageSize = LIST_PAGE_SIZE, client = db }: ListOptions = {}) {
  const sort = query.sort ?? SANDBOX_DEFAULT_SORT;
  const spec = SANDBOX_SORTS[sort.key];
  const showDeleted = query.deleted === "shown" || query.status === "DELETED" || query.status === "CANCELLED";
  const scope = { ...visibleSandboxes(actor), ...(showDeleted ? {} : { deletedAt: null }) };
  const where = await sandboxListWhere(client, actor, scope, query);
  const page = await readSandboxPage(client, where, { spec, sort, position: query, pageSize }, LIST_SELECT);
  return { ...page, rows: page.rows.map(({ runs, ...s }) => ({ ...s, shown: shownStatus(s.status, runs[0]?.kind) })) };
}

/** The `where` that limits sandboxes to those the actor may see. */
export function sandboxScope(actor: Actor, sandboxId: string): Prisma.SandboxWhereInput {
  return { ...visibleSandboxes(actor), id: sandboxId };
}

/** The sandbox's name, for the page's title, only when the actor may see it. */
export async function sandboxNameForActor(actor: Actor, sandboxId: string): Promise<string | null> {
  const sandbox = await db.sandbox.findFirst({ where: sandboxScope(actor, sandboxId), select: { name: true } });
  return sandbox?.name ?? null;
}

export async function getSandboxForActor(actor: Actor, sandboxId: string) {
  const sandbox = await db.sandbox.findFirst({
    where: sandboxScope(actor, sandboxId),
    select: {
      id: true,
      tenantId: true,
      name: true,
      status: true,
      snapshotAt: true,
      lastRefreshedAt: true,
      sizeBytes: true,
      autoRefreshDay: true,
      options: true,
      confirmedAt: true,
      databaseName: true,
      sandboxCustomerId: true,
      createdAt: true,
      deletedAt: true,
      note: true,
      orderedById: true,
      orderedKind: true,
      tenant: { select: { companyName: true, customerId: true } },
      runs: activeRun,
    },
  });
  if (!sandbox) return null;
  const { runs, ...rest } = sandbox;
  return { ...rest, shown: shownStatus(rest.status, runs[0]?.kind) };
}

/** How many deleted sandboxes the actor could show. */
export function countDeletedSandboxes(actor: Actor): Promise<number> {
  return db.sandbox.count({ where: { ...visibleSandboxes(actor), deletedAt: { not: null } } });
}

export type SandboxForPage = NonNullable<Awaited<ReturnType<typeof getSandboxForActor>>>;

/** Runs the history shows a page: refreshes in a loop (a pipeline's, or cancelled ones) add runs without end. */
export const RUNS_PER_PAGE = 20;

const runSummary = {
  id: true,
  reportDroppedAt: true,
  kind: true,
  status: true,
  options: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  error: true,
  failureCode: true,
  stopReason: true,
  requestedBy: { select: { name: true } },
} satisfies Prisma.SandboxRunSelect;

/**
 * A page of a sandbox's runs, newest first, with who asked for each; the newest run
 * whatever the page (what the sandbox is doing now), and how many there are.
 */
export async function listRuns(sandboxId: string, page = 1) {
  const where = { sandboxId };
  const orderBy = [{ createdAt: "desc" as const }, { id: "desc" as const }];
  const [runs, total] = await Promise.all([
    db.sandboxRun.findMany({ where, orderBy, select: runSummary, skip: (page - 1) * RUNS_PER_PAGE, take: RUNS_PER_PAGE }),
    db.sandboxRun.count({ where }),
  ]);
  const latest = page === 1 ? runs[0] : ((await db.sandboxRun.findFirst({ where, orderBy, select: runSummary })) ?? undefined);
  return { runs, latest, total, page, pages: Math.max(1, Math.ceil(total / RUNS_PER_PAGE)) };
}

/** The newest reports read for task names: a run's history of refreshes in a loop is not read whole on each view. */
const REPORTS_NAMING_TASKS = 50;

/**
 * The names of the tasks this sandbox's copies kept enabled, by task id, as their
 * reports recorded them: the history names a run's kept tasks even when that run
 * has no report of its own (queued, failed). The newest report's name wins, of the
 * newest REPORTS_NAMING_TASKS reports.
 */
export async function keptTaskNames(sandboxId: string): Promise<Map<number, string>> {
  const rows = await db.$queryRaw<{ id: number; name: string }[]>`
    SELECT DISTINCT ON (task.id) task.id, left(task.name, ${MAX_TASK_NAME}) AS name
    FROM "SandboxRun" r
    CROSS JOIN LATERAL jsonb_to_recordset(
      CASE WHEN jsonb_typeof(r.report->'keptTasks') = 'array' THEN r.report->'keptTasks' ELSE '[]'::jsonb END
    ) AS task(id int, name text)
    WHERE r.id IN (SELECT id FROM "SandboxRun" WHERE "sandboxId" = ${sandboxId} AND report IS NOT NULL ORDER BY "createdAt" DESC LIMIT ${REPORTS_NAMING_TASKS})
      AND task.id IS NOT NULL AND task.name IS NOT NULL
    ORDER BY task.id, r."createdAt" DESC`;
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** A run's report, only when the run belongs to a sandbox the actor may see. */
export async function getRunReport(actor: Actor, sandboxId: string, runId: string) {
  // The sandbox page's `?run=` comes straight from the address: `?run=%00` failed its query as a 500.
  if (!isPlainId(runId) || !isPlainId(sandboxId)) return null;
  const run = await db.sandboxRun.findFirst({
    where: { id: runId, sandbox: sandboxScope(actor, sandboxId) },
    select: { id: true, kind: true, finishedAt: true, report: true, sandbox: { select: { name: true } } },
  });
  if (!run?.report) return null;
  return { ...run, report: run.report as unknown as SanitizationReport };
}

/** The newest run that produced a report (the sandbox's current copy, after a success). */
export async function getLatestReport(actor: Actor, sandboxId: string) {
  const run = await db.sandboxRun.findFirst({
    where: { sandbox: sandboxScope(actor, sandboxId), status: "SUCCEEDED", kind: { in: ["PROVISION", "REFRESH"] } },
    orderBy: { finishedAt: "desc" },
    select: { id: true },
  });
  return run ? getRunReport(actor, sandboxId, run.id) : null;
}

function asProgress(value: unknown): RunProgress {
  const steps = (value as { steps?: unknown } | null)?.steps;
  return { steps: Array.isArray(steps) ? (steps as RunProgress["steps"]) : [] };
}

/** The recent successful copies looked at for an estimate; those of another shape are passed over. */
const RECENT_COPIES = 50;

/** Recent successful copies, newest first, with their options (not their reports, which can be long). */
function recentCopies(where: Prisma.SandboxRunWhereInput) {
  return db.sandboxRun.findMany({
    where: { kind: { in: ["PROVISION", "REFRESH"] }, status: "SUCCEEDED", startedAt: { not: null }, finishedAt: { not: null }, ...where },
    orderBy: { finishedAt: "desc" },
    take: RECENT_COPIES,
    select: { id: true, startedAt: true, finishedAt: true, options: true },
  });
}

const secondsOf = (run: { startedAt: Date | null; finishedAt: Date | null }) => (run.finishedAt!.getTime() - run.startedAt!.getTime()) / 1000;

/** Durations of the tenant's recent successful copies of the same shape as `options` (copyShape): the history part of the ETA. */
async function pastCopyDurations(tenantId: string, options: unknown): Promise<number[]> {
  const shape = copyShape(options);
  const past = await recentCopies({ sandbox: { tenantId } });
  return past
    .filter((r) => copyShape(r.options) === shape)
    .slice(0, 7)
    .map((r) => secondsOf(r) * 1000);
}

export interface ProgressSnapshot {
  sandboxStatus: ShownStatus;
  run: {
    id: string;
    kind: string;
    status: string;
    createdAt: string;
    startedAt: string | null;
    finishedAt: string | null;
    error: string | null;
    /** Why a FAILED run failed, as a stable code for pipelines (lib/api/run-failure.ts); null for any other status. */
    failureCode: RunFailureCodeName | null;
    /** For a FAILED run: whether retrying it unchanged may well succeed; null for any other status. */
    retryable: boolean | null;
    /**
     * Why the run does not move, in plain words: what a queued run waits for when it is
     * more than a worker (a full sandbox server), or that a running run's worker was lost.
     */
    waiting: string | null;
    /** Its customer asked to stop its copy, and its worker has not yet: it is being stopped. */
    stopping: boolean;
    progress: RunProgress;
  } | null;
  fraction: number;
  typicalMs: number | null;
  remainingMs: number | null;
  /** Server time, so the browser's clock skew does not distort the elapsed time. */
  now: string;
}

/**
 * The live state the page polls: the newest run (active or just finished) and its estimate; or, given
 * `runId`, that run of the sandbox's (null when the sandbox has none by that id), whatever ran after it.
 */
export async function getProgressSnapshot(actor: Actor, sandboxId: string, runId?: string): Promise<ProgressSnapshot | null> {
  if (runId !== undefined && !isPlainId(runId)) return null;
  const found = await db.sandbox.findFirst({ where: sandboxScope(actor, sandboxId), select: { status: true, tenantId: true, runs: activeRun } });
  if (!found) return null;
  const sandbox = { tenantId: found.tenantId, status: shownStatus(found.status, found.runs[0]?.kind) };
  const run = await db.sandboxRun.findFirst({
    where: { sandboxId, ...(runId !== undefined ? { id: runId } : {}) },
    orderBy: { createdAt: "desc" },
    select: { id: true, kind: true, status: true, failureCode: true, createdAt: true, startedAt: true, finishedAt: true, error: true, progress: true, sandboxServer: true, serverWaitSince: true, lostAt: true, heartbeatAt: true, stopReason: true, options: true },
  });
  // The database's clock, which the worker wrote the run's times by.
  const now = await databaseNow();
  if (!run && runId !== undefined) return null;
  if (!run) return { sandboxStatus: sandbox.status, run: null, fraction: 0, typicalMs: null, remainingMs: null, now: now.toISOString() };
  const progress = asProgress(run.progress);
  // A queued run has not started (again): an earlier attempt's steps say where that one stopped, but
  // nothing of it is kept, and the time since it started (its back-off, hours in line for a slot on a
  // refresh day) is no copy's time. Counted, the page showed that attempt's share done and a time left
  // stretched by the wait: hours, for a copy that takes minutes.
  const queued = run.status === "QUEUED";
  const fraction = run.status === "SUCCEEDED" ? 1 : queued ? 0 : progressFraction(progress.steps);
  const typicalMs = run.kind === "DELETE" ? null : typicalDurationMs(await pastCopyDurations(sandbox.tenantId, run.options));
  const elapsedMs = run.startedAt && !queued ? now.getTime() - run.startedAt.getTime() : 0;
  const active = run.status === "QUEUED" || run.status === "RUNNING";
  const lost = describeLostRun(run, now) ?? describeSilentRun(run, now);
  // A queued run with no reason of its own (a retry's, the room it waits for), not in its server's line: its tenant's runs under way, or a worker.
  // A cancelled run ends FAILED too, but failed at nothing: it has no failure's code.
  const failure = run.status === "FAILED" && !wasCancelled(run) ? publicFailure(run.failureCode) : null;
  const tenantWait = queued && !run.error && !describeServerWait(run) && (await tenantSlotsTaken(sandbox.tenantId)) ? TENANT_WAIT_WORDS : null;
  return {
    sandboxStatus: sandbox.status,
    run: {
      id: run.id,
      kind: run.kind,
      // A pipeline that cancelled a run tells it from a failure without reading its words.
      status: shownRunStatus(run),
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      // Plain words written by the worker (lib/jobs/failure.ts): never a driver message. Only once the run has ended
      // failed (or cancelled): a run queued for a retry keeps its last attempt's reason, which is why it waits
      // (`waiting`), and a pipeline that read a non-null error as the end stopped polling a run still to be retried.
      error: run.status === "FAILED" ? run.error : null,
      failureCode: failure?.failureCode ?? null,
      retryable: failure?.retryable ?? null,
      // A queued run's reason is why it waits: a retry's, or the room it waits for (cleared when claimed).
      waiting: lost ?? describeServerWait(run) ?? (queued ? (run.error ?? tenantWait) : null),
      stopping: isBeingStopped(run),
      progress,
    },
    fraction,
    typicalMs,
    // A lost run's time left is not known until it is queued again.
    remainingMs: active && !lost ? estimateRemainingMs({ fraction, elapsedMs, typicalMs }) : null,
    now: now.toISOString(),
  };
}

/** The past copies an estimate learns from: the last five that tell each. */
const TELLING_COPIES = 5;

/**
 * Recent copies as the estimates read them, newest first: up to 20 that kept people
 * and 10 pseudonymised ones (many do not tell: a configuration-only copy moves too
 * little). Only these copies' reports are read, for the bytes each moved.
 */
async function pastCopies(where: Prisma.SandboxRunWhereInput): Promise<PastCopy[]> {
  const recent = await recentCopies(where);
  const chosen = [...recent.filter((r) => personalDataOf(r.options) === "keep").slice(0, 20), ...recent.filter((r) => personalDataOf(r.options) === "pseudonymise").slice(0, 10)];
  const reports = await db.sandboxRun.findMany({ where: { id: { in: chosen.map((r) => r.id) } }, select: { id: true, report: true } });
  const bytesOf = new Map(reports.map((r) => [r.id, ((r.report as Partial<SanitizationReport> | null)?.tables ?? []).reduce((sum, t) => sum + (t.bytes ?? 0), 0)]));
  return recent.filter((r) => bytesOf.has(r.id)).map((r): PastCopy => ({ bytes: bytesOf.get(r.id)!, seconds: secondsOf(r), personalData: personalDataOf(r.options) }));
}

/**
 * Copy rate from the last five finished copies that tell one (estimate.ts tellsRate):
 * the tenant's own, else the fleet's, else the default, held to the tenant's copy rate.
 * With it, how many times as long the tenant's own pseudonymised copies took, when any
 * tell it.
 */
export async function getThroughput(tenantId: string): Promise<Throughput> {
  const [tenant, learned] = await Promise.all([db.tenant.findUnique({ where: { id: tenantId }, select: { copyRateLimitMBps: true } }), learnedThroughput(tenantId)]);
  return tenant ? heldToCopyRate(learned, tenantCopyRateMBps(tenant)) : learned;
}

async function learnedThroughput(tenantId: string): Promise<Throughput> {
  const own = await pastCopies({ sandbox: { tenantId } });
  const plain = (copies: PastCopy[]) => copies.filter(tellsRate).slice(0, TELLING_COPIES);
  const withFactor = (throughput: Throughput): Throughput => {
    const factor = pseudonymisedFactorFromRuns(own.filter((c) => c.personalData === "pseudonymise").slice(0, TELLING_COPIES), throughput.bytesPerSecond);
    return factor === null ? throughput : { ...throughput, pseudonymisedFactor: factor };
  };
  const ownPlain = plain(own);
  const ownRate = throughputFromRuns(ownPlain);
  if (ownRate) return withFactor({ bytesPerSecond: ownRate, basis: "tenant-runs", runs: ownPlain.length });
  const fleet = plain(await pastCopies({}));
  const fleetRate = throughputFromRuns(fleet);
  if (fleetRate) return withFactor({ bytesPerSecond: fleetRate, basis: "fleet-runs", runs: fleet.length });
  return withFactor({ bytesPerSecond: DEFAULT_BYTES_PER_SECOND, basis: "default", runs: 0 });
}
