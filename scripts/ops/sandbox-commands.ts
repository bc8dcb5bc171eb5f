/**
 * Sandboxes from the terminal, on the same service as the portal: the run is
 * created with the same one-at-a-time guard, then carried out here with a
 * progress bar (no web worker needed). Exit code 1 with the reason on failure.
 */
import { db } from "../../lib/db/portal";
import type { Prisma } from "../../lib/generated/portal/client";
import type { RunKind } from "../../lib/generated/portal/enums";
import { AppError } from "../../lib/errors";
import { requestRun } from "../../lib/jobs/lifecycle";
import { executeRun } from "../../lib/worker/execute";
import { reportToCsv, type SanitizationReport } from "../../lib/sanitizer/report";
import type { RunProgress } from "../../lib/sanitizer/progress";
import { recordAudit, type AuditAction } from "../../lib/audit/record";
import { CliError } from "./cli-error";
import { sandboxOptionsSchema, type SandboxOptionsInput } from "../../lib/sanitizer/options";
import { assertOptionsFitOrder } from "../../lib/wizard/mutations";
import { kindFromFlags, personalDataFromFlags, required, text, type Flags } from "./flags";
import { renewPseudonymSecret } from "../../lib/sandboxes/pseudonym-secret";
import { asCliError, optionIssues } from "./option-errors";
import { ProgressBar } from "./progress-bar";


export async function findSandbox(flags: Flags) {
  const id = required(flags, "id");
  const sandbox = await db.sandbox.findUnique({ where: { id }, include: { tenant: { select: { customerId: true, companyName: true } } } });
  if (!sandbox) throw new CliError(`no sandbox with id ${id}`);
  return sandbox;
}

/** Creates the run (audited as the operator CLI's doing) and carries it out in this process. */
async function runNow(sandbox: { id: string; tenantId: string }, kind: RunKind, options: Prisma.InputJsonValue, audit: AuditAction): Promise<void> {
  let runId: string;
  try {
    ({ runId } = await requestRun({
      sandboxId: sandbox.id, kind, requestedById: null, options, enqueue: false,
      alsoInTransaction: (tx) => recordAudit({ action: audit, actorId: null, tenantId: sandbox.tenantId, targetId: sandbox.id, details: { via: "operator CLI" } }, tx),
    }));
  } catch (error) {
    if (error instanceof AppError) throw new CliError(error.userMessage);
    throw error;
  }
  await carryOut(runId, kind);
}

/** Carries out a requested run in this process, drawing its progress; the run's own words when it fails. */
export async function carryOut(runId: string, kind: RunKind): Promise<void> {
  const bar = new ProgressBar(kind.toLowerCase());
  // One attempt: a transient failure (production busy) ends the command with its reason; retries belong to the queue.
  await executeRun(runId, `cli-${process.pid}`, { onProgress: (progress) => bar.update(...summarize(progress)), direct: true });
  const run = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
  if (run.status !== "SUCCEEDED") {
    bar.done(`${kind.toLowerCase()} failed`);
    throw new CliError(run.error ?? "the run failed");
  }
  bar.done(`${kind.toLowerCase()} succeeded (run ${runId})`);
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
  const parsed = sandboxOptionsSchema.safeParse({ ...(sandbox.options as SandboxOptionsInput), ...kindFromFlags(flags), ...personalDataFromFlags(flags) });
  if (!parsed.success) throw new CliError(`invalid options: ${optionIssues(parsed.error)}`);
  try {
    // The saved domain was confirmed when the sandbox was set up: only what changed here is news.
    await assertOptionsFitOrder(sandbox, parsed.data, false, { realMailDomain: parsed.data.invalidationDomain, noAccessReason: "" });
  } catch (error) {
    throw asCliError(error);
  }
  if (flags["new-pseudonyms"] === true) {
    if (parsed.data.personalData !== "pseudonymise") throw new CliError("--new-pseudonyms needs a pseudonymised sandbox (--personal-data pseudonymise)");
    await renewPseudonymSecret(sandbox.id);
  }
  await runNow(sandbox, "REFRESH", parsed.data as unknown as Prisma.InputJsonValue, "sandbox.refresh.requested");
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
    status: sandbox.status,
    snapshotAt: sandbox.snapshotAt,
    lastRefreshedAt: sandbox.lastRefreshedAt,
    sizeBytes: sandbox.sizeBytes === null ? null : Number(sandbox.sizeBytes),
    runs: runs.map((r) => ({ id: r.id, kind: r.kind, status: r.status, createdAt: r.createdAt, finishedAt: r.finishedAt, error: r.error })),
  }, null, 2));
}

export async function sandboxReport(flags: Flags): Promise<void> {
  const sandbox = await findSandbox(flags);
  const run = await db.sandboxRun.findFirst({
    where: { sandboxId: sandbox.id, status: "SUCCEEDED", report: { not: undefined }, kind: { not: "DELETE" } },
    orderBy: { finishedAt: "desc" },
  });
  if (!run?.report) throw new CliError(`sandbox ${sandbox.id} has no report yet`);
  const report = run.report as unknown as SanitizationReport;
  process.stdout.write(text(flags, "format") === "csv" ? reportToCsv(report) : `${JSON.stringify(report, null, 2)}\n`);
}
