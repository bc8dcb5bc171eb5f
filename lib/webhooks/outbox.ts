/**
 * Events are written in the same transaction as the state change that causes them
 * (lib/jobs/lifecycle.ts): a delivery row per subscribed endpoint, due now. Nothing
 * is sent from inside the transaction; the queue takes the rows afterwards
 * (deliver.ts), so an event is never lost to a crash, nor sent for a change that
 * rolled back.
 */
import { randomUUID } from "node:crypto";
import { databaseNowAsLastRead } from "../db/database-clock";
import type { Prisma } from "../generated/portal/client";
import type { WebhookPayload } from "../api/schemas";
import type { WebhookEvent } from "./events";
import { publicFailure } from "../api/run-failure";
import { wasCancelled } from "../jobs/failure";

export async function recordSandboxEvent(tx: Prisma.TransactionClient, type: WebhookEvent, runId: string): Promise<void> {
  const run = await tx.sandboxRun.findUniqueOrThrow({
    where: { id: runId },
    select: {
      id: true,
      kind: true,
      status: true,
      error: true,
      failureCode: true,
      finishedAt: true,
      sandbox: { select: { id: true, name: true, status: true, tenantId: true, tenant: { select: { customerId: true, companyName: true } } } },
    },
  });
  const endpoints = await tx.webhookEndpoint.findMany({ where: { tenantId: run.sandbox.tenantId, events: { has: type } }, select: { id: true } });
  if (endpoints.length === 0) return;
  const { sandbox } = run;
  // The failure's stable code, for a pipeline to branch on (lib/api/run-failure.ts): only a run that failed has one.
  const failure = run.status === "FAILED" && !wasCancelled(run) ? publicFailure(run.failureCode) : null;
  const payload: WebhookPayload = {
    type,
    timestamp: new Date().toISOString(),
    data: {
      sandbox: { id: sandbox.id, name: sandbox.name, status: sandbox.status, customer: { id: sandbox.tenant.customerId, name: sandbox.tenant.companyName } },
      run: { id: run.id, kind: run.kind, status: run.status, error: run.status === "FAILED" ? run.error : null, failureCode: failure?.failureCode ?? null, retryable: failure?.retryable ?? null, finishedAt: run.finishedAt?.toISOString() ?? null },
      links: {
        sandbox: `/api/v1/sandboxes/${sandbox.id}`,
        progress: `/api/v1/sandboxes/${sandbox.id}/progress`,
        report: run.kind === "DELETE" ? null : `/api/v1/sandboxes/${sandbox.id}/runs/${run.id}/report`,
        page: `/sandboxes/${sandbox.id}`,
      },
    },
  };
  const body = JSON.stringify(payload);
  const messageId = `msg_${randomUUID().replaceAll("-", "")}`;
  // Due now by the database's clock, which the workers read (in a transaction: its last reading).
  const now = databaseNowAsLastRead();
  await tx.webhookDelivery.createMany({ data: endpoints.map((e) => ({ endpointId: e.id, messageId, eventType: type, payload: body, nextAttemptAt: now })) });
}
