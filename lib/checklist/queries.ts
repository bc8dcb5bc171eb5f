/**
 * The checklist's state, read live from the sandbox database every time the
 * page renders: what the database says now, not what the last run did. The
 * list of apps authorized in production is read from production through a
 * read-only session (lib/crm/read-only.ts). The sandbox's users write to it, so what
 * the checklist reads of it is measured first (whole-table-bounds.ts).
 */
import "server-only";
import { tooLargeToRead, TooLargeToRead, type WholeRead, type WholeTableMeasure } from "../crm/whole-table-bounds";
import { db } from "../db/portal";
import { quoteLiteral } from "../sanitizer/sql";
import { listProductionApps, orNullWhenUnavailable } from "../tenants/production";
import { sandboxOptionsSchema } from "../sanitizer/options";
import { OPT_IN_PREFERENCES } from "../sanitizer/rules/rule-11-opt-ins";
import type { ChecklistTickItem } from "./schema";
import { SANDBOX_SESSION_BOUNDS, withSandboxDatabase, type SandboxDatabaseRef } from "./sandbox-database";

export interface ChecklistState {
  optIns: { name: string; value: string | null }[];
  erpAutoSync: { id: number; name: string; connector: string }[];
  tasks: { id: number; name: string; kind: string; schedule: string; enabled: boolean; kept: boolean }[];
  appPanels: { id: number; name: string; location: string; createdByApp: string }[];
  /** null when production could not be reached just now, or no longer is read: its customer has left (`customerLeft`). */
  productionApps: string[] | null;
  /** The customer has left the portal (tenants/offboard.ts): its production address is forgotten, and its sandboxes are being deleted. */
  customerLeft: boolean;
  sandboxApps: string[];
  ticks: Partial<Record<ChecklistTickItem, { at: Date; by: string | null }>>;
}

export interface ChecklistSandbox extends SandboxDatabaseRef {
  options: unknown;
}

export function keptTaskIds(options: unknown): number[] {
  const parsed = sandboxOptionsSchema.safeParse(options ?? {});
  return parsed.success ? parsed.data.keepEnabledTaskIds : [];
}

/** What the checklist reads of the sandbox, each read whole. */
const READS: readonly WholeRead[] = [
  {
    table: "preference",
    columns: ["name", "value"],
    where: `section = 'System' AND associate_id IS NULL AND name IN (${OPT_IN_PREFERENCES.map(quoteLiteral).join(", ")})`,
    what: "the sandbox's opt-in preferences",
  },
  { table: "erp_connection", columns: ["name", "connector"], where: "auto_sync", what: "the sandbox's ERP connections" },
  { table: "scheduled_task", columns: ["name", "kind", "schedule"], what: "the sandbox's scheduled tasks" },
  { table: "web_panel", columns: ["name", "location", "created_by_app"], where: "visible AND created_by_app IS NOT NULL", what: "the sandbox's web panels made by apps" },
  { table: "app_authorization", columns: ["app_name"], what: "the sandbox's app authorizations" },
];

export async function getChecklist(sandbox: ChecklistSandbox): Promise<ChecklistState> {
  const kept = new Set(keptTaskIds(sandbox.options));
  const [live, { customerLeft, productionApps }, ticks] = await Promise.all([
    withSandboxDatabase(sandbox, (client) =>
      // One snapshot: what is measured is what is read, whatever the sandbox's users write meanwhile.
      client.$transaction(async (crm) => {
        // The measuring SQL is the portal's own (READS above), with no value from anywhere.
        const tooLarge = await tooLargeToRead((sql) => crm.$queryRawUnsafe<WholeTableMeasure[]>(sql), READS);
        if (tooLarge) throw new TooLargeToRead(tooLarge);
        const [optIns, erp, tasks, panels, apps] = await Promise.all([
          crm.preference.findMany({
            where: { section: "System", name: { in: [...OPT_IN_PREFERENCES] }, associateId: null },
            select: { name: true, value: true },
          }),
          crm.erpConnection.findMany({ where: { autoSync: true }, orderBy: { id: "asc" }, select: { id: true, name: true, connector: true } }),
          crm.scheduledTask.findMany({ orderBy: { id: "asc" }, select: { id: true, name: true, kind: true, schedule: true, enabled: true } }),
          crm.webPanel.findMany({
            where: { visible: true, createdByApp: { not: null } },
            orderBy: { id: "asc" },
            select: { id: true, name: true, location: true, createdByApp: true },
          }),
          crm.appAuthorization.findMany({ distinct: ["appName"], orderBy: { appName: "asc" }, select: { appName: true } }),
        ]);
        return { optIns, erp, tasks, panels, apps };
      }, { isolationLevel: "RepeatableRead", timeout: SANDBOX_SESSION_BOUNDS.query_timeout }),
    ),
    productionAppsOf(sandbox.tenantId),
    ticksOf(sandbox.id),
  ]);
  return {
    optIns: OPT_IN_PREFERENCES.map((name) => ({ name, value: live.optIns.find((p) => p.name === name)?.value ?? null })),
    erpAutoSync: live.erp,
    tasks: live.tasks.map((t) => ({ ...t, kept: kept.has(t.id) })),
    appPanels: live.panels.map((p) => ({ ...p, createdByApp: p.createdByApp ?? "" })),
    productionApps,
    customerLeft,
    sandboxApps: live.apps.map((a) => a.appName),
    ticks,
  };
}

/**
 * The apps authorized in production, or null. A customer that has left has no production
 * to read (openConnections refuses it); its sandbox still has a checklist until it is
 * deleted. The checklist still renders when production cannot answer; the item then says so.
 */
async function productionAppsOf(tenantId: string): Promise<Pick<ChecklistState, "customerLeft" | "productionApps">> {
  const tenant = await db.tenant.findUnique({ where: { id: tenantId }, select: { offboardedAt: true } });
  if (tenant?.offboardedAt != null) return { customerLeft: true, productionApps: null };
  return { customerLeft: false, productionApps: await orNullWhenUnavailable(listProductionApps(tenantId)) };
}

/** The ticked items, with who ticked them. */
async function ticksOf(sandboxId: string): Promise<ChecklistState["ticks"]> {
  const ticks = await db.checklistTick.findMany({ where: { sandboxId }, select: { item: true, tickedAt: true, tickedById: true } });
  const tickers = await db.user.findMany({
    where: { id: { in: ticks.flatMap((t) => (t.tickedById ? [t.tickedById] : [])) } },
    select: { id: true, name: true },
  });
  const nameOf = new Map(tickers.map((u) => [u.id, u.name]));
  return Object.fromEntries(ticks.map((t) => [t.item, { at: t.tickedAt, by: t.tickedById ? nameOf.get(t.tickedById) ?? null : null }]));
}
