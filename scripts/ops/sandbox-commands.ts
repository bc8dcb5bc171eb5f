/**
 * Sandboxes from the terminal, on the same service as the portal: the run is
 * created with the same one-at-a-time guard, then carried out here with a
 * progress bar (no web worker needed). Exit code 1 with the reason on failure.
 * Ctrl-C stops a copy carried out here as the portal's stop button does: what it
 * made is dropped and the sandbox keeps the copy it had.
 */
import { db } from "../../lib/db/portal";
import type { Prisma } from "../../lib/generated/portal/client";
import type { RunKind } from "../../lib/generated/portal/enums";
import { AppError } from "../../lib/errors";
import { isActiveRun, requestRun } from "../../lib/jobs/lifecycle";
import { shownStatus } from "../../lib/sandboxes/labels";
import { isBeingStopped, shownRunStatus } from "../../lib/jobs/failure";
import { cancelRunAsOperator } from "../../lib/sandboxes/mutations";
import { executeRun } from "../../lib/worker/execute";
import { reportToCsv, type SanitizationReport } from "../../lib/sanitizer/report";
import type { RunProgress } from "../../lib/sanitizer/progress";
import { recordAudit, type AuditAction } from "../../lib/audit/record";
import { CliError } from "./cli-error";
import { sameChoices, sandboxOptionsSchema, savedChoicesFor, type SandboxOptionsInput } from "../../lib/sanitizer/options";
import { assertOptionsFitOrder } from "../../lib/wizard/mutations";
import { kindFromFlags, personalDataFromFlags, required, text, type Flags } from "./flags";
import { renewPseudonymSecret } from "../../lib/sandboxes/pseudonym-secret";
import { asCliError, optionIssues } from "./option-errors";
import { ProgressBar } from "../../lib/progress-bar";
import { terminalSafe } from "../../lib/untrusted-text";


async function findSandbox(flags: Flags) {
  const id = required(flags, "id");
  const sandbox = await db.sandbox.findUnique({ where: { id }, include: { tenant: { select: { customerId: true, companyName: true } } } });
  if (!sandbox) throw new CliError(`no sandbox with id ${id}`);
  return sandbox;
}

/**
 * Creates the run (audited as the operator CLI's doing, with its options as the page's
 * refresh records them) and carries it out in this process. `alsoInTransaction`: what
 * must happen only if the run is created (new pseudonyms).
 */
async function runNow(
  sandbox: CliSandbox,
  kind: RunKind,
  options: Prisma.InputJsonValue,
  audit: AuditAction,
  extra: { details?: Record<string, Prisma.InputJsonValue>; alsoInTransaction?: (tx: Prisma.TransactionClient) => Promise<void> } = {},
): Promise<void> {
  let runId: string;
  try {
    ({ runId } = await requestRun({
      sandboxId: sandbox.id, kind, requestedById: null, options, enqueue: false,
      alsoInTransaction: async (tx) => {
        await extra.alsoInTransaction?.(tx);
        await recordAudit({ action: audit, actorId: null, tenantId: sandbox.tenantId, targetId: sandbox.id, details: { via: "operator CLI", name: sandbox.name, ...extra.details } }, tx);
      },
    }));
  } catch (error) {
    throw asCliError(error);
  }
  await carryOut(sandbox, runId, kind);
}

type CliSandbox = { id: string; tenantId: string; name: string };

/**
 * One Ctrl-C reaches this process more than once: the terminal signals the whole
 * process group, and npm and tsx, in it, pass the signal on to their child as well.
 * A second signal counts as a second Ctrl-C only this long after the first.
 */
const SAME_CTRL_C_MS = 1_000;

/**
 * Carries out a requested run in this process, drawing its progress; the run's own words
 * when it fails. The first Ctrl-C asks the copy to stop, and waits while it drops what it
 * made; a second leaves at once (the run is then ended as stopped by the portal's recovery).
 */
export async function carryOut(sandbox: CliSandbox, runId: string, kind: RunKind): Promise<void> {
  const noun = kind.toLowerCase();
  const bar = new ProgressBar(noun);
  let firstCtrlC: number | undefined;
  const interrupt = () => {
    if (firstCtrlC !== undefined) {
      if (performance.now() - firstCtrlC < SAME_CTRL_C_MS) return;
      bar.done(`left the ${noun} at once: the portal's recovery ends it within minutes`);
      process.exit(130);
    }
    firstCtrlC = performance.now();
    void cancelRunAsOperator(sandbox).then(
      () => bar.done(`stopping the ${noun}: what it made is being dropped (Ctrl-C again to leave at once)`),
      (error: unknown) => bar.done(error instanceof AppError ? `${error.userMessage} (Ctrl-C again to leave at once)` : `the ${noun} could not be stopped: ${String(error)}`),
    );
  };
  process.on("SIGINT", interrupt);
  try {
    // One attempt: a transient failure (production busy) ends the command with its reason; retries belong to the queue.
    await executeRun(runId, `cli-${process.pid}`, { onProgress: (progress) => bar.update(...summarize(progress)), direct: true });
  } finally {
    process.off("SIGINT", interrupt);
  }
  const run = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
  if (run.status !== "SUCCEEDED") {
    bar.done(`${noun} ${shownRunStatus(run) === "CANCELLED" ? "stopped" : "failed"}`);
    throw new CliError(run.error ?? "the run failed");
  }
  bar.done(`${noun} succeeded (run ${runId})`);
}

/** Cancels the sandbox's queued run, or asks its copy under way to stop, wherever it is carried out. */
export async function cancelSandboxRun(flags: Flags): Promise<void> {
  const sandbox = await findSandbox(flags);
  try {
    const { runId, state } = await cancelRunAsOperator(sandbox);
    console.log(state === "cancelled" ? `cancelled run ${runId} before it started` : `asked run ${runId} to stop: its worker drops what it made within seconds (see sandbox:status)`);
  } catch (error) {
    throw asCliError(error);
  }
}

function summarize(progress: RunProgress): [number, string] {
  const steps = progress.steps;
  const finished = steps.filter((s) => s.state === "done" || s.state === "skipped").length;
  const running = steps.find((s) => s.state === "running");
  const within = running?.total ? (running.done ?? 0) / running.total : 0;
  const detail = running ? `${running.label}${running.total ? ` ${running.done ?? 0}/${running.total}` : ""}` : "";
  return [steps.length ? (finished + within) / steps.length : 0, detail];
}

/**
 * A refresh copies by the saved choices; `--kind` and a share change what it holds, `--personal-data`
 * whether people are pseudonymised (checked as the wizard checks them). `--new-pseudonyms` draws other fake people.
 */
export async function refreshSandbox(flags: Flags): Promise<void> {
  const sandbox = await findSandbox(flags);
  if (sandbox.status !== "READY" || !sandbox.options) throw new CliError(`sandbox ${sandbox.id} is ${sandbox.status.toLowerCase()}: only a ready sandbox can be refreshed`);
  const kind = kindFromFlags(flags);
  const parsed = sandboxOptionsSchema.safeParse({ ...savedChoicesFor(sandbox.options as SandboxOptionsInput & Record<string, unknown>, kind.kind), ...kind, ...personalDataFromFlags(flags) });
  if (!parsed.success) throw new CliError(`invalid options: ${optionIssues(parsed.error)}`);
  try {
    // The saved domain was confirmed when the sandbox was set up: only what changed here is news.
    await assertOptionsFitOrder(sandbox, parsed.data, false, { realMailDomain: parsed.data.invalidationDomain, noAccessReason: "" });
  } catch (error) {
    throw asCliError(error);
  }
  const newPseudonyms = flags["new-pseudonyms"] === true;
  if (newPseudonyms && parsed.data.personalData !== "pseudonymise") throw new CliError("--new-pseudonyms needs a pseudonymised sandbox (--personal-data pseudonymise)");
  const options = parsed.data as unknown as Prisma.InputJsonValue;
  // The secret is forgotten only with the run that uses a new one: a refresh refused (another run under way) changes nothing.
  await runNow(sandbox, "REFRESH", options, "sandbox.refresh.requested", {
    details: { options, choicesEdited: !sameChoices(sandbox.options, parsed.data), ...(newPseudonyms ? { newPseudonyms: true } : {}) },
    ...(newPseudonyms ? { alsoInTransaction: (tx) => renewPseudonymSecret(sandbox.id, tx) } : {}),
  });
}

export async function deleteSandbox(flags: Flags): Promise<void> {
  const sandbox = await findSandbox(flags);
  if (sandbox.status === "DELETED") throw new CliError(`sandbox ${sandbox.id} is already deleted`);
  if (text(flags, "confirm") !== sandbox.name) throw new CliError(`deleting needs --confirm "${sandbox.name}" (the sandbox's name)`);
  await runNow(sandbox, "DELETE", {}, "sandbox.delete.requested");
}

export async function sandboxStatus(flags: Flags): Promise<void> {
  const sandbox = await findSandbox(flags);
  const runs = await db.sandboxRun.findMany({ where: { sandboxId: sandbox.id }, orderBy: { createdAt: "desc" }, take: 10 });
  console.log(JSON.stringify({
    id: sandbox.id,
    name: sandbox.name,
    customerId: sandbox.tenant.customerId,
    sandboxCustomerId: sandbox.sandboxCustomerId,
    // As the portal shows it: "DELETING" while a deletion waits or runs.
    status: shownStatus(sandbox.status, runs.find(isActiveRun)?.kind),
    snapshotAt: sandbox.snapshotAt,
    lastRefreshedAt: sandbox.lastRefreshedAt,
    sizeBytes: sandbox.sizeBytes === null ? null : Number(sandbox.sizeBytes),
    runs: runs.map((r) => ({
      id: r.id,
      kind: r.kind,
      // As the API says it: a cancelled run is not a failure.
      status: shownRunStatus(r),
      stopping: isBeingStopped(r),
      createdAt: r.createdAt,
      finishedAt: r.finishedAt,
      error: r.error,
    })),
  }, null, 2));
}

export async function sandboxReport(flags: Flags): Promise<void> {
  const format = text(flags, "format") ?? "json";
  if (format !== "json" && format !== "csv") throw new CliError("--format must be json or csv");
  const sandbox = await findSandbox(flags);
  const run = await db.sandboxRun.findFirst({
    where: { sandboxId: sandbox.id, status: "SUCCEEDED", report: { not: undefined }, kind: { not: "DELETE" } },
    orderBy: { finishedAt: "desc" },
  });
  if (!run?.report) throw new CliError(`sandbox ${sandbox.id} has no report yet`);
  const report = run.report as unknown as SanitizationReport;
  const written = format === "csv" ? reportToCsv(report) : `${JSON.stringify(report, null, 2)}\n`;
  // On a terminal, production's text in the report writes no escape sequences; to a file or pipe it goes as it is.
  process.stdout.write(process.stdout.isTTY ? terminalSafe(written.replaceAll("\r\n", "\n")) : written);
}
