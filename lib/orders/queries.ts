import "server-only";
import type pg from "pg";
import { db } from "../db/portal";
import { openProductionClient } from "../crm/read-only";
import { AppError } from "../errors";
import { isStaff, type Actor } from "../auth/policy";
import { tenantConnections } from "../tenants/registry";
import type { SanitizationReport } from "../sanitizer/report";
import { DEFAULT_BYTES_PER_SECOND, throughputFromRuns, type ProductionFootprint, type Throughput } from "./estimate";

/**
 * Runs `read` on a read-only connection to the tenant's production database.
 * The URL stays on the server; a connection failure becomes PRODUCTION_UNREACHABLE
 * (its message may name hosts, so it is logged, not shown).
 */
export async function withProduction<T>(tenantId: string, read: (client: pg.Client) => Promise<T>): Promise<T> {
  const { productionUrl } = await tenantConnections(tenantId);
  let client: pg.Client;
  try {
    client = await openProductionClient(productionUrl, { connectionTimeoutMillis: 5000, statement_timeout: 15_000 });
  } catch (error) {
    console.error("production connection failed:", (error as Error).message);
    throw new AppError("PRODUCTION_UNREACHABLE");
  }
  try {
    return await read(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function readFootprint(client: pg.Client): Promise<ProductionFootprint> {
  const { rows } = await client.query<{ database: string; documents: string | null; attachments: string | null }>(
    `SELECT pg_database_size(current_database())::text AS database,
            pg_total_relation_size(to_regclass('public.document'))::text AS documents,
            pg_total_relation_size(to_regclass('public.ticket_attachment'))::text AS attachments`,
  );
  const row = rows[0];
  return {
    databaseBytes: Number(row?.database ?? 0),
    documentBytes: Number(row?.documents ?? 0),
    attachmentBytes: Number(row?.attachments ?? 0),
  };
}

export function getProductionFootprint(tenantId: string): Promise<ProductionFootprint> {
  return withProduction(tenantId, readFootprint);
}

/** Copy rate from the last finished copies: the tenant's own, else the fleet's, else the default. */
export async function getThroughput(tenantId: string): Promise<Throughput> {
  const recent = (where: object) =>
    db.sandboxRun.findMany({
      where: { status: "SUCCEEDED", kind: { in: ["PROVISION", "REFRESH"] }, startedAt: { not: null }, finishedAt: { not: null }, ...where },
      orderBy: { finishedAt: "desc" },
      take: 5,
      select: { startedAt: true, finishedAt: true, report: true },
    });
  const rate = (runs: Awaited<ReturnType<typeof recent>>) =>
    throughputFromRuns(
      runs.map((r) => ({
        bytes: ((r.report as Partial<SanitizationReport> | null)?.tables ?? []).reduce((sum, t) => sum + (t.bytes ?? 0), 0),
        seconds: (r.finishedAt!.getTime() - r.startedAt!.getTime()) / 1000,
      })),
    );
  const own = await recent({ sandbox: { tenantId } });
  const ownRate = rate(own);
  if (ownRate) return { bytesPerSecond: ownRate, basis: "tenant-runs", runs: own.length };
  const fleet = await recent({});
  const fleetRate = rate(fleet);
  if (fleetRate) return { bytesPerSecond: fleetRate, basis: "fleet-runs", runs: fleet.length };
  return { bytesPerSecond: DEFAULT_BYTES_PER_SECOND, basis: "default", runs: 0 };
}

/** Customers a sales rep can order for (names and keys only: no connection data). */
export function listOrderableCustomers() {
  return db.tenant.findMany({ orderBy: { companyName: "asc" }, select: { id: true, companyName: true, customerId: true } });
}

export async function tenantExists(tenantId: string): Promise<boolean> {
  return (await db.tenant.findUnique({ where: { id: tenantId }, select: { id: true } })) !== null;
}

export async function isSandboxNameTaken(tenantId: string, name: string): Promise<boolean> {
  const found = await db.sandbox.findFirst({
    where: { tenantId, name: { equals: name, mode: "insensitive" } },
    select: { id: true },
  });
  return found !== null;
}

/**
 * Orders the actor may see: a sales rep those they filed, a customer admin their
 * tenant's (set up or still waiting), an operator all.
 */
export async function listOrders(actor: Actor) {
  const where =
    actor.role === "SALES_REP" ? { orderedById: actor.id } : isStaff(actor) ? {} : { tenantId: actor.tenantId ?? "__none__" };
  return db.sandbox.findMany({
    where,
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true,
      tenantId: true,
      name: true,
      status: true,
      createdAt: true,
      confirmedAt: true,
      orderedOnBehalf: true,
      planCounts: true,
      wizardDraft: true,
      orderedBy: { select: { name: true } },
      tenant: { select: { companyName: true, customerId: true } },
    },
  });
}
