/**
 * Rule 8, apps and webhooks: production's are never copied; on a refresh, the ones
 * made in the previous copy of the sandbox are carried in (read by carry-over.ts).
 */
import type { Prisma } from "../../generated/crm/client";
import type { CarriedColumn, CarriedExtra } from "../carry-over";
import { quoteIdent } from "../sql";
import { check, countAll, offendingRows, type ContractRule } from "./rule";

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
 * INSERT refuses. Table and columns are this module's constants, and the new copy's own columns
 * (`extra`: names quoted, built-in types as the copy's DDL spells them); values are bound.
 */
function insertWithIds(
  tx: Prisma.TransactionClient,
  table: string,
  columns: Record<string, string>,
  extra: readonly CarriedColumn[],
  rows: { extra?: CarriedExtra }[],
): Promise<number> {
  const all = [...Object.entries(columns).map(([c, t]) => [quoteIdent(c), t] as const), ...extra.map((c) => [quoteIdent(c.name), c.type] as const)];
  const names = all.map(([c]) => c).join(", ");
  const types = all.map(([c, t]) => `${c} ${t}`).join(", ");
  // The extra values under their columns' names: own properties, whatever the name ("__proto__" too).
  const values = rows.map(({ extra: own, ...row }) => ({ ...own, ...row }));
  return tx.$executeRawUnsafe(
    `INSERT INTO ${table} (${names}) OVERRIDING SYSTEM VALUE SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS x(${types})`,
    JSON.stringify(values),
  );
}


const CHANGE_LABELS: Record<string, string> = {
  "app_authorization.removed": "App authorizations removed",
  "webhook.removed": "Webhooks removed",
  "app_authorization.carried": "App authorizations made in the sandbox, kept",
  "webhook.carried": "Webhooks made in the sandbox, kept",
  "app_authorization.not-carried": "App authorizations made in the sandbox, not kept: production now requires a value they do not have",
  "webhook.not-carried": "Webhooks made in the sandbox, not kept: production now requires a value they do not have",
};

export const appsWebhooksRule: ContractRule = {
  rule: 8,
  title: "Apps and webhooks",
  copy(table) {
    if (table.name !== "app_authorization" && table.name !== "webhook") return undefined;
    return { noRows: true, changes: [{ rule: 8, key: `${table.name}.removed`, aggregate: countAll }] };
  },
  async afterCopy(tx, { carried }) {
    // A carried row may name an associate who no longer exists in production.
    const referenced = [...carried.appAuthorizations.map((a) => a.authorized_by), ...carried.webhooks.map((w) => w.created_by)].filter(
      (id): id is number => id !== null,
    );
    const present = new Set((await tx.associate.findMany({ where: { id: { in: referenced } }, select: { id: true } })).map((a) => a.id));
    const keep = (id: number | null) => (id !== null && present.has(id) ? id : null);
    const apps = await insertWithIds(tx, "app_authorization", APP_COLUMNS, carried.extraColumns.app_authorization, carried.appAuthorizations.map((a) => ({ ...a, authorized_by: keep(a.authorized_by) })));
    const hooks = await insertWithIds(tx, "webhook", WEBHOOK_COLUMNS, carried.extraColumns.webhook, carried.webhooks.map((w) => ({ ...w, created_by: keep(w.created_by) })));
    return {
      "app_authorization.carried": apps,
      "webhook.carried": hooks,
      // Left behind (carry-over.ts): the customer learns which of theirs are gone, and why.
      ...(carried.notCarried.app_authorization ? { "app_authorization.not-carried": carried.notCarried.app_authorization } : {}),
      ...(carried.notCarried.webhook ? { "webhook.not-carried": carried.notCarried.webhook } : {}),
    };
  },
  changeLabel: (key) => CHANGE_LABELS[key],
  checks: [
    check(8, "only carried app authorizations and webhooks exist", (c, e) =>
      offendingRows(
        c,
        `SELECT 'app_authorization ' || id AS o FROM app_authorization WHERE NOT id = ANY($1::int[])
         UNION ALL SELECT 'webhook ' || id FROM webhook WHERE NOT id = ANY($2::int[])
         UNION ALL SELECT 'carried app_authorization ' || i || ' missing' FROM unnest($1::int[]) i WHERE NOT EXISTS (SELECT 1 FROM app_authorization WHERE id = i)
         UNION ALL SELECT 'carried webhook ' || i || ' missing' FROM unnest($2::int[]) i WHERE NOT EXISTS (SELECT 1 FROM webhook WHERE id = i)`,
        [e.carried.appAuthorizations.map((a) => a.id), e.carried.webhooks.map((w) => w.id)],
      ),
    ),
  ],
};
