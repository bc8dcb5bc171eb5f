import "server-only";
import type pg from "pg";
import { db } from "../db/portal";
import { canActOnTenant, hasPermission, isStaff, type Actor, type Permission } from "../auth/policy";
import { getThroughput } from "../sandboxes/queries";
import type { Throughput } from "../sandboxes/estimate";
import { tenantClassification } from "../tenants/classification";
import { readFootprint, withProduction, type ProductionFootprint } from "../tenants/production";
import { withProductionAt } from "../tenants/production-at";
import { tenantConnections } from "../tenants/registry";
import { inOneSnapshot, tooLargeToReadWhole, type WholeRead } from "../crm/whole-table-bounds";
import { AppError } from "../errors";
import { isSanitizationError } from "../sanitizer/errors";
import type { SandboxOptions } from "../sanitizer/options";
import { asUserPlan, type AssociateSummary } from "./defaults";
import { runDryRun, type DryRunResult } from "./dry-run";
import { previewPersonalDataApart } from "./preview-apart";
import { pseudonymSecretFor } from "../sandboxes/pseudonym-secret";

/**
 * The sandbox behind a wizard, if the actor may act on it with `permission`
 * (sandbox.configure for the first-time setup, sandbox.refresh for a refresh).
 * The tenant scope is in the query, so null does not tell another tenant's
 * sandbox from a missing one.
 */
export async function getWizardSandbox(actor: Actor, sandboxId: string, permission: Permission = "sandbox.configure") {
  if (!hasPermission(actor, permission)) return null;
  const sandbox = await db.sandbox.findFirst({
    where: isStaff(actor) ? { id: sandboxId } : { id: sandboxId, tenantId: actor.tenantId ?? "__none__" },
    select: {
      id: true,
      tenantId: true,
      name: true,
      status: true,
      planCounts: true,
      note: true,
      wizardDraft: true,
      confirmedAt: true,
      options: true,
      databaseName: true,
      deletedAt: true,
      orderedOnBehalf: true,
      orderedKind: true,
      orderedBy: { select: { name: true } },
      tenant: { select: { companyName: true, customerId: true } },
    },
  });
  if (!sandbox || !canActOnTenant(actor, permission, sandbox.tenantId)) return null;
  return sandbox;
}

export type WizardSandbox = NonNullable<Awaited<ReturnType<typeof getWizardSandbox>>>;

export interface ScheduledTaskSummary {
  id: number;
  name: string;
  kind: string;
  schedule: string;
  enabled: boolean;
  lastRunAt: string | null;
}

export interface WizardProductionData {
  environment: string;
  associates: AssociateSummary[];
  tasks: ScheduledTaskSummary[];
  /** A few real addresses for the e-mail preview. */
  sampleEmails: string[];
  /** Documents per day of creation (YYYY-MM-DD), so "since a date" is summed in the browser. */
  documentDays: { day: string; count: number; bytes: number }[];
  attachments: { count: number; bytes: number };
  footprint: ProductionFootprint;
  throughput: Throughput;
}

/** The users and scheduled tasks a setup chooses from (the public API's choices), read from production. */
export function getProductionChoices(tenantId: string): Promise<{ associates: AssociateSummary[]; tasks: ScheduledTaskSummary[] }> {
  return withProduction(tenantId, readChoices);
}

/** A century of days: the page sums the documents per day of creation, and gets every day's row. */
const MAX_DOCUMENT_DAYS = 36_600;

/** The wizard's lists, read whole into the page: both measured first, in one statement. */
const CHOICES_READ: readonly WholeRead[] = [
  { table: "associate", columns: ["username", "full_name", "email", "user_plan"], what: "production's users" },
  { table: "scheduled_task", columns: ["name", "kind", "schedule"], what: "production's scheduled tasks" },
];

/** Production's users and scheduled tasks: refused, in the customer's words, when production makes them too large to hold. */
async function readChoices(client: pg.Client): Promise<{ associates: AssociateSummary[]; tasks: ScheduledTaskSummary[] }> {
  return inOneSnapshot(client, async () => {
    const tooLarge = await tooLargeToReadWhole(client, CHOICES_READ);
    if (tooLarge) throw new AppError("PRODUCTION_REFUSED", tooLarge);
    return { associates: await readAssociates(client), tasks: await readScheduledTasks(client) };
  });
}

async function readAssociates(client: pg.Client): Promise<AssociateSummary[]> {
  const { rows } = await client.query<{ id: number; username: string; full_name: string; email: string | null; user_plan: string | null; can_login: boolean; is_retired: boolean }>(
    "SELECT id, username, full_name, email, user_plan, can_login, is_retired FROM public.associate ORDER BY full_name, id",
  );
  return rows.map((a) => ({ id: a.id, username: a.username, fullName: a.full_name, email: a.email, userPlan: asUserPlan(a.user_plan), canLogin: a.can_login, isRetired: a.is_retired }));
}

async function readScheduledTasks(client: pg.Client): Promise<ScheduledTaskSummary[]> {
  const { rows } = await client.query<{ id: number; name: string; kind: string; schedule: string; enabled: boolean; last_run_at: Date | null }>(
    "SELECT id, name, kind, schedule, enabled, last_run_at FROM public.scheduled_task ORDER BY name, id",
  );
  return rows.map((t) => ({ id: t.id, name: t.name, kind: t.kind, schedule: t.schedule, enabled: t.enabled, lastRunAt: t.last_run_at?.toISOString() ?? null }));
}

/** Everything the wizard's steps show, read from production in a few aggregate queries. */
export async function getWizardProductionData(tenantId: string): Promise<WizardProductionData> {
  const [production, throughput] = await Promise.all([withProduction(tenantId, readWizardData), getThroughput(tenantId)]);
  return { ...production, throughput };
}

async function readWizardData(client: pg.Client): Promise<Omit<WizardProductionData, "throughput">> {
  // A word ("production"): cut on production, whatever a hostile one holds there.
  const installation = await client.query<{ environment: string }>("SELECT left(environment, 64) AS environment FROM public.installation ORDER BY id LIMIT 1");
  const { associates, tasks } = await readChoices(client);
  const samples = await client.query<{ email: string }>(
    // An address is at most 254 characters (RFC 5321): a longer value is no example of one, and may be any size.
    `(SELECT email FROM public.associate WHERE email LIKE '%@%' AND octet_length(email) <= 1024 ORDER BY id LIMIT 2)
     UNION ALL (SELECT email FROM public.company WHERE email LIKE '%@%' AND octet_length(email) <= 1024 ORDER BY id LIMIT 2)
     UNION ALL (SELECT email FROM public.contact WHERE email LIKE '%@%' AND octet_length(email) <= 1024 ORDER BY id LIMIT 2)`,
  );
  const days = await client.query<{ day: string; count: string; bytes: string }>(
    `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::text AS count, coalesce(sum(size_bytes), 0)::text AS bytes
       FROM public.document GROUP BY 1 ORDER BY 1 LIMIT ${MAX_DOCUMENT_DAYS + 1}`,
  );
  if (days.rows.length > MAX_DOCUMENT_DAYS) {
    throw new AppError("PRODUCTION_REFUSED", `Production's documents were made on more than ${MAX_DOCUMENT_DAYS.toLocaleString("en")} different days: more than the portal reads. Contact support.`);
  }
  const attachments = await client.query<{ count: string; bytes: string }>(
    "SELECT count(*)::text AS count, coalesce(sum(size_bytes), 0)::text AS bytes FROM public.ticket_attachment",
  );
  return {
    environment: installation.rows[0]?.environment ?? "unknown",
    associates,
    tasks,
    sampleEmails: samples.rows.map((s) => s.email),
    documentDays: days.rows.map((d) => ({ day: d.day, count: Number(d.count), bytes: Number(d.bytes) })),
    attachments: { count: Number(attachments.rows[0]?.count ?? 0), bytes: Number(attachments.rows[0]?.bytes ?? 0) },
    footprint: await readFootprint(client),
  };
}

/** Ids among those given that do not exist in the tenant's production: a tampered or stale request. */
export async function findUnknownProductionIds(tenantId: string, associateIds: number[], taskIds: number[], companyIds: number[] = []) {
  return withProduction(tenantId, async (client) => {
    const { rows } = await client.query<{ associates: number[]; tasks: number[]; companies: number[] }>(
      `SELECT ARRAY(SELECT x FROM unnest($1::int[]) x WHERE NOT EXISTS (SELECT 1 FROM public.associate a WHERE a.id = x)) AS associates,
              ARRAY(SELECT x FROM unnest($2::int[]) x WHERE NOT EXISTS (SELECT 1 FROM public.scheduled_task t WHERE t.id = x)) AS tasks,
              ARRAY(SELECT x FROM unnest($3::int[]) x WHERE NOT EXISTS (SELECT 1 FROM public.company c WHERE c.id = x)) AS companies`,
      [associateIds, taskIds, companyIds],
    );
    return { associates: rows[0]?.associates ?? [], tasks: rows[0]?.tasks ?? [], companies: rows[0]?.companies ?? [] };
  });
}

/**
 * Counted by the classification the tenant's runs copy by, so extra e-mail columns are counted too.
 * Pseudonymised, the examples are drawn with the sandbox's own secret (made now if it has none yet),
 * in a process of their own (preview-apart.ts).
 */
export async function getDryRun(tenantId: string, options: SandboxOptions, sandboxId?: string): Promise<DryRunResult> {
  const classification = await tenantClassification(tenantId);
  const secret = options.personalData === "pseudonymise" && sandboxId ? await pseudonymSecretFor(sandboxId) : undefined;
  const { productionUrl } = await tenantConnections(tenantId);
  return withProductionAt(productionUrl, (client) =>
    runDryRun(client, options, classification, secret, (_client, input) => previewPersonalDataApart(tenantId, { productionUrl, input })).catch((error: unknown) => {
      // A refusal the copy would make too (too many values to pseudonymise, a table too large to read) is the customer's to read.
      if (isSanitizationError(error) && !error.technical) throw new AppError("PRODUCTION_REFUSED", error.message);
      throw error;
    }),
  );
}
