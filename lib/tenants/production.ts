/**
 * The one reader of a tenant's production database for the portal's pages, the
 * wizard, the checklist and the CLI (the copy itself reads through its own
 * snapshot, lib/sanitizer/snapshot.ts).
 *
 * One timeout and one failure policy for all of them: production belongs to the
 * customer and may be slow, locked or gone, so every read is bounded, and every
 * failure becomes an AppError — PRODUCTION_UNREACHABLE, or PRODUCTION_BUSY when a
 * timeout fired — whose full cause goes to the log without the URL. A caller that
 * can render without production says so explicitly with `orNullWhenUnavailable`.
 * Plain TypeScript (no Next.js), so the worker and the operator CLI share it.
 */
import type pg from "pg";
import { CONFIGURATION_TABLES } from "../crm/contract";
import { inOneSnapshot, tooLargeToReadWhole } from "../crm/whole-table-bounds";
import { AppError } from "../errors";
import { tenantConnections } from "./registry";
import { withProductionAt } from "./production-at";
import { recentReadings } from "../cache/recent-readings";

/** Runs `read` on a bounded, read-only connection to the tenant's production database. */
export async function withProduction<T>(tenantId: string, read: (client: pg.Client) => Promise<T>): Promise<T> {
  const { productionUrl } = await tenantConnections(tenantId);
  return withProductionAt(productionUrl, read);
}

/** For pages that still render without production: null instead of PRODUCTION_UNREACHABLE/BUSY. */
export async function orNullWhenUnavailable<T>(reading: Promise<T>): Promise<T | null> {
  try {
    return await reading;
  } catch (error) {
    if (error instanceof AppError && (error.code === "PRODUCTION_UNREACHABLE" || error.code === "PRODUCTION_BUSY")) return null;
    throw error;
  }
}

export interface ProductionFootprint {
  /** pg_database_size of production. */
  databaseBytes: number;
  /** Total size of the `document` table (not copied by default). */
  documentBytes: number;
  /** Total size of the `ticket_attachment` table (not copied by default). */
  attachmentBytes: number;
  /** Total size of the configuration tables: what a configuration-only sandbox copies (rule 17). */
  configurationBytes: number;
  /** Rows of every table, and of the configuration tables: the planner's estimates (no count runs on production). */
  rows: number;
  configurationRows: number;
}

export async function readFootprint(client: pg.Client): Promise<ProductionFootprint> {
  const { rows } = await client.query<{
    database: string;
    documents: string | null;
    attachments: string | null;
    configuration: string | null;
    rows: string | null;
    configuration_rows: string | null;
  }>(
    `WITH t AS (SELECT c.relname, c.oid, greatest(c.reltuples, 0) AS estimate FROM pg_class c
                 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r')
     SELECT pg_database_size(current_database())::text AS database,
            pg_total_relation_size(to_regclass('public.document'))::text AS documents,
            pg_total_relation_size(to_regclass('public.ticket_attachment'))::text AS attachments,
            (SELECT sum(pg_total_relation_size(oid)) FROM t WHERE relname = ANY($1::text[]))::text AS configuration,
            (SELECT sum(estimate)::bigint FROM t)::text AS rows,
            (SELECT sum(estimate)::bigint FROM t WHERE relname = ANY($1::text[]))::text AS configuration_rows`,
    [[...CONFIGURATION_TABLES]],
  );
  const row = rows[0];
  return {
    databaseBytes: Number(row?.database ?? 0),
    documentBytes: Number(row?.documents ?? 0),
    attachmentBytes: Number(row?.attachments ?? 0),
    configurationBytes: Number(row?.configuration ?? 0),
    rows: Number(row?.rows ?? 0),
    configurationRows: Number(row?.configuration_rows ?? 0),
  };
}

/**
 * Pages show production's size on every view (the order page, the customer list):
 * one reading per tenant is reused for a minute (the figures are an estimate, and
 * production's size changes slowly), so production sees one connection per tenant
 * per minute however busy the page is (lib/cache/recent-readings.ts).
 */
export const FOOTPRINT_CACHE = { ttlMs: 60_000, maxKeys: 1_000 } as const;
const footprints = recentReadings<ProductionFootprint>(FOOTPRINT_CACHE);
const sizes = recentReadings<number>(FOOTPRINT_CACHE);

export function getProductionFootprint(tenantId: string): Promise<ProductionFootprint> {
  return footprints.read(tenantId, () => withProduction(tenantId, readFootprint));
}

/** The size of a tenant's production database, whose URL the caller has opened already (the customer list). */
export function getTenantProductionSize(tenantId: string, url: string): Promise<number> {
  return sizes.read(tenantId, () => getProductionSize(url));
}

/** Size in bytes of the production database at `url` (the tenant list has the URLs already opened). */
export function getProductionSize(url: string): Promise<number> {
  return withProductionAt(url, async (client) => {
    const { rows } = await client.query<{ size: string }>("SELECT pg_database_size(current_database())::text AS size");
    return Number(rows[0]?.size ?? 0);
  });
}

const productionApps = recentReadings<string[]>(FOOTPRINT_CACHE);

/**
 * Names of the apps authorized in production (the checklist's reminder to authorize them
 * again): shown on every view of a sandbox's page, so read once a minute per tenant, as
 * production's size is; a page reloaded in a loop opened a production session each time.
 */
export function listProductionApps(tenantId: string): Promise<string[]> {
  return productionApps.read(tenantId, () => readProductionApps(tenantId));
}

function readProductionApps(tenantId: string): Promise<string[]> {
  return withProduction(tenantId, (client) =>
    inOneSnapshot(client, async () => {
      const tooLarge = await tooLargeToReadWhole(client, [{ table: "app_authorization", columns: ["app_name"], what: "production's app authorizations" }]);
      if (tooLarge) throw new AppError("PRODUCTION_REFUSED", tooLarge);
      const { rows } = await client.query<{ app_name: string }>("SELECT DISTINCT app_name FROM public.app_authorization ORDER BY app_name");
      return rows.map((r) => r.app_name);
    }),
  );
}

export interface ProductionLogin {
  id: number;
  canLogin: boolean;
  isRetired: boolean;
  userPlan: string | null;
}

/** Who may log in to production and on which plan: what rule 10's default selection is made from. */
export function listProductionLogins(tenantId: string): Promise<ProductionLogin[]> {
  return withProduction(tenantId, async (client) => {
    const { rows } = await client.query<{ id: number; can_login: boolean; is_retired: boolean; user_plan: string | null }>(
      "SELECT id, can_login, is_retired, user_plan FROM public.associate ORDER BY id",
    );
    return rows.map((r) => ({ id: r.id, canLogin: r.can_login, isRetired: r.is_retired, userPlan: r.user_plan }));
  });
}

export interface AssociateContact {
  id: number;
  username: string;
  fullName: string;
  /** Production's address, trimmed and lower-cased; null when it has none that looks like one. */
  email: string | null;
}

/**
 * The people given access to a sandbox, as production knows them: whom to tell,
 * and the address a customer user's portal account is matched on. Production is
 * untrusted: an address is only kept when it looks like one.
 */
const ASSOCIATE_NAME_CHARS = 256;

export function listAssociateContacts(tenantId: string, associateIds: number[]): Promise<AssociateContact[]> {
  if (associateIds.length === 0) return Promise.resolve([]);
  return withProduction(tenantId, async (client) => {
    const { rows } = await client.query<{ id: number; username: string; full_name: string; email: string | null }>(
      // Production may have changed since the wizard measured them: names are cut to what a page and a mail show.
      `SELECT id, left(username, ${ASSOCIATE_NAME_CHARS}) AS username, left(full_name, ${ASSOCIATE_NAME_CHARS}) AS full_name,
              CASE WHEN octet_length(email) <= 1024 THEN email END AS email
         FROM public.associate WHERE id = ANY($1::int[]) ORDER BY id`,
      [associateIds],
    );
    return rows.map((r) => ({ id: r.id, username: r.username, fullName: r.full_name, email: plainAddress(r.email) }));
  });
}

/** One plain address (no display name, no list, no line breaks), lower-cased; anything else is null. */
export function plainAddress(value: string | null): string | null {
  const address = value?.trim().toLowerCase() ?? "";
  return /^[^\s@,;<>"]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(address) && address.length <= 254 ? address : null;
}

/**
 * Whether production's addresses use `domain` (or a domain below it): "customer" when
 * its own CRM users have addresses there, "production" when only companies or
 * contacts do, null when none does. Mail to such a domain reaches real people.
 */
export function mailDomainUseInProduction(tenantId: string, domain: string): Promise<"customer" | "production" | null> {
  return withProduction(tenantId, async (client) => {
    const { rows } = await client.query<{ own: boolean; other: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM public.associate WHERE lower(email) LIKE $1 OR lower(email) LIKE $2) AS own,
              EXISTS (SELECT 1 FROM public.company WHERE lower(email) LIKE $1 OR lower(email) LIKE $2)
           OR EXISTS (SELECT 1 FROM public.contact WHERE lower(email) LIKE $1 OR lower(email) LIKE $2) AS other`,
      // The options schema's host-name rule leaves no LIKE wildcards in a domain.
      [`%@${domain}`, `%.${domain}`],
    );
    return rows[0]?.own ? "customer" : rows[0]?.other ? "production" : null;
  });
}
