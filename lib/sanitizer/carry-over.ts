/**
 * Rule 8 on refresh: the app authorizations and webhooks made in the previous copy
 * of the sandbox move into the new copy. In a sandbox every such row was made
 * there (production's are never copied), so all of them are carried, ids kept.
 * The previous copy is only read, through a read-only session: a refresh must leave
 * it exactly as it was until the new copy replaces it. Its users write to it, so its
 * rows are measured before they are read into memory (whole-table-bounds.ts).
 *
 * Production's schema moves on (rule 0: a newer CRM's columns, classified): the new copy's
 * tables may have columns the previous copy's lack, or lack some it has. A row carries the
 * columns both copies have, the same type in both, classified `keep` and in no foreign key
 * (its value then needs nothing rewritten, and references nothing production may not have);
 * every other column of the new copy is left empty (the sandbox has no defaults: none of
 * production's is executed, rule 16), or numbered by its identity or owned sequence. A row that
 * has no value for another column the new copy requires (NOT NULL) is not carried, and the report counts it (rule 8's "not-carried").
 */
import type pg from "pg";
import { endOrCut } from "../db/client";
import { givingUpAfter, openProductionClient } from "../crm/read-only";
import { inOneSnapshot, tooLargeToReadWhole } from "../crm/whole-table-bounds";
import { SanitizationError } from "./errors";
import type { Classification } from "./classification";
import { personalKind } from "./pseudonyms/columns";
import type { PersonalData } from "./pseudonyms/personal-data";
import { columnTreatment } from "./treatments";
import type { SchemaPlan } from "./schema-plan";
import { quoteIdent } from "./sql";

/** Values of the new copy's own columns (not the contract's) the row carries, as PostgreSQL writes them; absent: none. */
export type CarriedExtra = Record<string, string | null>;

export interface CarriedAppAuthorization {
  id: number;
  app_name: string;
  client_id: string;
  system_user_token: string | null;
  access_token: string | null;
  refresh_token: string | null;
  scopes: string;
  authorized_by: number | null;
  /** As PostgreSQL writes it (readMeasured). */
  authorized_at: string;
  extra?: CarriedExtra;
}

export interface CarriedWebhook {
  id: number;
  name: string;
  kind: string;
  target_url: string | null;
  events: string;
  secret: string | null;
  active: boolean;
  created_by: number | null;
  /** As PostgreSQL writes it (readMeasured). */
  created_at: string;
  extra?: CarriedExtra;
}

export type CarriedTable = "app_authorization" | "webhook";

/** A column of the new copy, not the contract's, whose values are carried: its type as the new copy has it. */
export interface CarriedColumn {
  name: string;
  type: string;
}

export interface CarryOver {
  appAuthorizations: CarriedAppAuthorization[];
  webhooks: CarriedWebhook[];
  /** The new copy's own columns the rows carry values of (`extra`), per table. */
  extraColumns: Record<CarriedTable, CarriedColumn[]>;
  /** Rows of the previous copy left behind: they have no value for a column the new copy requires. */
  notCarried: Record<CarriedTable, number>;
}

export const NOTHING_CARRIED: CarryOver = {
  appAuthorizations: [],
  webhooks: [],
  extraColumns: { app_authorization: [], webhook: [] },
  notCarried: { app_authorization: 0, webhook: 0 },
};

const CONTRACT_COLUMNS: Record<CarriedTable, readonly string[]> = {
  app_authorization: ["id", "app_name", "client_id", "system_user_token", "access_token", "refresh_token", "scopes", "authorized_by", "authorized_at"],
  webhook: ["id", "name", "kind", "target_url", "events", "secret", "active", "created_by", "created_at"],
};
const TABLES = Object.keys(CONTRACT_COLUMNS) as CarriedTable[];

/** What the new copy's tables are: the run's plan, and the classification it was made under. */
export interface NewCopy {
  plan: Pick<SchemaPlan, "tables" | "constraints">;
  classification: Classification;
}

/** A handful of rows per sandbox: held in memory on purpose, within bounds. */
export async function readCarryOver(previousCopyUrl: string, newCopy: NewCopy): Promise<CarryOver> {
  const client = await openProductionClient(previousCopyUrl, givingUpAfter());
  try {
    return await inOneSnapshot(client, () => readMeasured(client, newCopy));
  } finally {
    await endOrCut(client);
  }
}

interface NewColumns {
  /** The new copy's own columns whose values are carried, where the previous copy has them alike. */
  carried: CarriedColumn[];
  /** The new copy's own NOT NULL columns: a row without a value for one is not carried. */
  required: string[];
}

/** Of the new copy's columns that are not the contract's, which carry their values, and which a row must have. */
async function newColumns(client: pg.ClientBase, { plan, classification }: NewCopy): Promise<Record<CarriedTable, NewColumns>> {
  // The previous copy's columns as the schema reader spells production's types (the same settings: search_path pg_catalog, pg_temp).
  const { rows } = await client.query<{ table: string; name: string; type: string }>(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
    [TABLES],
  );
  const previousType = new Map(rows.map((r) => [`${r.table}.${r.name}`, r.type]));
  const inForeignKey = new Set(plan.constraints.filter((k) => k.kind === "f").flatMap((k) => k.columns.map((c) => `${k.table}.${c}`)));
  const result = {} as Record<CarriedTable, NewColumns>;
  for (const table of TABLES) {
    const own = (plan.tables.find((t) => t.name === table)?.columns ?? []).filter((c) => !CONTRACT_COLUMNS[table].includes(c.name));
    result[table] = {
      // Fail closed: a value is carried only when nothing about it is new to the portal.
      carried: own
        .filter((c) => !c.enumType && columnTreatment(classification, table, c.name) === "keep" && !inForeignKey.has(`${table}.${c.name}`) && previousType.get(`${table}.${c.name}`) === c.type)
        .map((c) => ({ name: c.name, type: c.type })),
      // An identity or serial column numbers a row inserted without it (the copy's own sequence, not production's default).
      required: own.filter((c) => c.notNull && !c.identity && !c.serialSequence).map((c) => c.name),
    };
  }
  return result;
}

/** The extra columns' values, read as text under names of the portal's own (`x0`, `x1`, …). */
const extraSelect = (columns: readonly CarriedColumn[]) => columns.map((c, i) => `, ${quoteIdent(c.name)}::text AS x${i}`).join("");

/** Moves a row's `x0`, `x1`, … into its `extra`; false when it lacks a value the new copy requires. */
function withExtra<T extends { extra?: CarriedExtra }>(row: T & Record<string, unknown>, columns: NewColumns): boolean {
  const extra: CarriedExtra = Object.fromEntries(columns.carried.map((c, i) => [c.name, (row[`x${i}`] as string | null | undefined) ?? null]));
  columns.carried.forEach((_c, i) => delete row[`x${i}`]);
  if (columns.carried.length) row.extra = extra;
  return columns.required.every((name) => Object.hasOwn(extra, name) && extra[name] !== null);
}

/** The sandbox's authorizations and webhooks, measured first: its users write to it. */
async function readMeasured(client: pg.ClientBase, newCopy: NewCopy): Promise<CarryOver> {
  const columns = await newColumns(client, newCopy);
  const tooLarge = await tooLargeToReadWhole(client, [
    { table: "app_authorization", columns: ["app_name", "client_id", "system_user_token", "access_token", "refresh_token", "scopes", ...columns.app_authorization.carried.map((c) => c.name)], what: "the sandbox's app authorizations" },
    { table: "webhook", columns: ["name", "kind", "target_url", "events", "secret", ...columns.webhook.carried.map((c) => c.name)], what: "the sandbox's webhooks" },
  ]);
  if (tooLarge) throw new SanitizationError("COPY_FAILED", tooLarge);
  // Timestamps as PostgreSQL writes them, in one unambiguous form, which the new copy reads back as they
  // were. Read as JavaScript Dates they lost their microseconds, and one a Date cannot write back in a form
  // PostgreSQL reads (a year BC or past 9999, infinity) failed every refresh of the sandbox for good.
  await client.query("SELECT pg_catalog.set_config('DateStyle', 'ISO, YMD', true), pg_catalog.set_config('TimeZone', 'UTC', true)");
  const apps = await client.query<CarriedAppAuthorization & Record<string, unknown>>(
    `SELECT id, app_name, client_id, system_user_token, access_token, refresh_token, scopes, authorized_by, authorized_at::text AS authorized_at${extraSelect(columns.app_authorization.carried)}
       FROM public.app_authorization ORDER BY id`,
  );
  const hooks = await client.query<CarriedWebhook & Record<string, unknown>>(
    `SELECT id, name, kind, target_url, events, secret, active, created_by, created_at::text AS created_at${extraSelect(columns.webhook.carried)} FROM public.webhook ORDER BY id`,
  );
  const appAuthorizations = apps.rows.filter((row) => withExtra(row, columns.app_authorization));
  const webhooks = hooks.rows.filter((row) => withExtra(row, columns.webhook));
  return {
    appAuthorizations,
    webhooks,
    extraColumns: { app_authorization: columns.app_authorization.carried, webhook: columns.webhook.carried },
    notCarried: { app_authorization: apps.rows.length - appAuthorizations.length, webhook: hooks.rows.length - webhooks.length },
  };
}

/**
 * Rule 18 on what a refresh carries: the rows were made in the sandbox, but in a copy that
 * may have kept production's people (its choice, changed by this refresh), by people who
 * name what they make after them. Each personal column (columns.ts) is rewritten as the
 * copy rewrites production's; the check after the copy reads them as it reads the rest.
 */
export function pseudonymiseCarried(carried: CarryOver, personalData: PersonalData, classification: Classification): CarryOver {
  const rewrite = <T extends object>(table: CarriedTable, row: T): T => {
    const out = { ...row } as Record<string, unknown>;
    for (const [column, value] of Object.entries(row)) {
      const kind = column === "extra" ? undefined : personalKind(classification, table, column);
      if (kind && typeof value === "string") out[column] = personalData.rewrite(kind, value);
    }
    return out as T;
  };
  return {
    ...carried,
    appAuthorizations: carried.appAuthorizations.map((a) => rewrite("app_authorization", a)),
    webhooks: carried.webhooks.map((w) => rewrite("webhook", w)),
  };
}
