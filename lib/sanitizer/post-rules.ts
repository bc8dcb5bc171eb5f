/**
 * The rules applied on the copy after the data is in, through the CRM Prisma
 * client: a handful of rows each, where a typed client reads better than SQL.
 * Rules 1 (identity), 4 (the sandbox's own Service mailbox), 6 (web panel URLs,
 * judged in TypeScript as a browser reads them: web_panel is a small configuration
 * table), 8 (carried apps and webhooks) and 11 (opt-ins). Everything runs in one
 * transaction.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "../generated/crm/client";
import type { CarryOver } from "./carry-over";
import type { SandboxOptions } from "./options";
import { rewriteWebPanelUrl } from "./web-panel";

export const OPT_IN_PREFERENCES = ["Statistics OptIn - Configured", "UserSync OptIn - Configured"] as const;

export interface PostRuleInput {
  sandboxCustomerId: string;
  sourceCustomerId: string;
  sourceCompanyName: string;
  sourceSerialNumber: string;
  snapshotAt: Date;
  options: SandboxOptions;
  serviceMailboxAddress: string;
  newMailboxId: number;
  /** Production's installation.service_base_url (rule 6). */
  serviceBaseUrl: string;
  carried: CarryOver;
}

/** rule → change key → count */
export type PostRuleChanges = Record<number, Record<string, number>>;

/**
 * A few statements, but on a busy sandbox server they may take longer than Prisma's
 * 5-second default, and a run must not fail for that. A run has its own overall bounds.
 */
const TRANSACTION_LIMITS = { maxWait: 30_000, timeout: 120_000 };

const APP_COLUMNS = {
  id: "int", app_name: "text", client_id: "text", system_user_token: "text", access_token: "text",
  refresh_token: "text", scopes: "text", authorized_by: "int", authorized_at: "timestamptz",
};
const WEBHOOK_COLUMNS = {
  id: "int", name: "text", kind: "text", target_url: "text", events: "text", secret: "text",
  active: "boolean", created_by: "int", created_at: "timestamptz",
};

/**
 * Inserts rows with their own ids in one statement. OVERRIDING SYSTEM VALUE: the
 * copy's id may be GENERATED ALWAYS AS IDENTITY (production's form), which a plain
 * INSERT refuses. Table and columns are this module's constants; values are bound.
 */
function insertWithIds(tx: Prisma.TransactionClient, table: string, columns: Record<string, string>, rows: object[]): Promise<number> {
  const names = Object.keys(columns).join(", ");
  const types = Object.entries(columns).map(([c, t]) => `${c} ${t}`).join(", ");
  return tx.$executeRawUnsafe(
    `INSERT INTO ${table} (${names}) OVERRIDING SYSTEM VALUE SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS x(${types})`,
    JSON.stringify(rows),
  );
}

export function sandboxSerialNumber(companyName: string, serialNumber: string): string {
  return `Test Env - ${companyName}/${serialNumber}`;
}

export async function applyPostCopyRules(copyUrl: string, input: PostRuleInput): Promise<PostRuleChanges> {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: copyUrl }) });
  try {
    return await prisma.$transaction(async (tx) => {
      const identity = await tx.installation.updateMany({
        data: {
          environment: "sandbox",
          customerId: input.sandboxCustomerId,
          sourceCustomerId: input.sourceCustomerId,
          copiedAt: input.snapshotAt,
          serialNumber: sandboxSerialNumber(input.sourceCompanyName, input.sourceSerialNumber),
          state: input.options.stateAfterCopy,
        },
      });

      // Created with an explicit id above every production mailbox id, so it can
      // never be mistaken for one; tickets were already pointed at it by the copy.
      // OVERRIDING SYSTEM VALUE: see insertWithIds.
      await tx.$executeRaw`INSERT INTO service_mailbox (id, address, is_active, created_at) OVERRIDING SYSTEM VALUE
                           VALUES (${input.newMailboxId}, ${input.serviceMailboxAddress}, true, now())`;

      // Judged in TypeScript, written back in one statement.
      const panels = (await tx.webPanel.findMany({ select: { id: true, url: true } }))
        .map((p) => ({ id: p.id, url: rewriteWebPanelUrl(p.url, input.serviceBaseUrl), was: p.url }))
        .filter((p) => p.url !== p.was);
      const panelsRewritten = await tx.$executeRaw`
        UPDATE web_panel w SET url = x.url FROM unnest(${panels.map((p) => p.id)}::int[], ${panels.map((p) => p.url)}::text[]) AS x(id, url)
         WHERE w.id = x.id`;

      // A carried row may name an associate who no longer exists in production.
      const referenced = [
        ...input.carried.appAuthorizations.map((a) => a.authorized_by),
        ...input.carried.webhooks.map((w) => w.created_by),
      ].filter((id): id is number => id !== null);
      const present = new Set(
        (await tx.associate.findMany({ where: { id: { in: referenced } }, select: { id: true } })).map((a) => a.id),
      );
      const keep = (id: number | null) => (id !== null && present.has(id) ? id : null);
      const apps = await insertWithIds(tx, "app_authorization", APP_COLUMNS, input.carried.appAuthorizations.map((a) => ({ ...a, authorized_by: keep(a.authorized_by) })));
      const hooks = await insertWithIds(tx, "webhook", WEBHOOK_COLUMNS, input.carried.webhooks.map((w) => ({ ...w, created_by: keep(w.created_by) })));

      // associate_id NULL is never equal to NULL, so the unique key cannot be used
      // for an upsert: update, then create what is missing.
      let optInsChanged = 0;
      let optInsCreated = 0;
      for (const name of OPT_IN_PREFERENCES) {
        const where = { section: "System", name, associateId: null };
        optInsChanged += (await tx.preference.updateMany({ where: { ...where, value: { not: "No" } }, data: { value: "No" } })).count;
        if ((await tx.preference.count({ where })) === 0) {
          await tx.preference.create({ data: { ...where, value: "No" } });
          optInsCreated++;
        }
      }

      return {
        1: { "installation.updated": identity.count },
        4: { "service_mailbox.created": 1 },
        6: { "web_panel.url": panelsRewritten },
        8: { "app_authorization.carried": apps, "webhook.carried": hooks },
        11: { "preference.set_no": optInsChanged, "preference.created": optInsCreated },
      };
    }, TRANSACTION_LIMITS);
  } finally {
    await prisma.$disconnect();
  }
}
