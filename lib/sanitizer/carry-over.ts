/**
 * Rule 8 on refresh: the app authorizations and webhooks made in the previous copy
 * of the sandbox move into the new copy. In a sandbox every such row was made
 * there (production's are never copied), so all of them are carried, ids kept.
 * The previous copy is only read, through a read-only session: a refresh must leave
 * it exactly as it was until the new copy replaces it. Its users write to it, so its
 * rows are measured before they are read into memory (whole-table-bounds.ts).
 */
import type pg from "pg";
import { endOrCut } from "../db/client";
import { givingUpAfter, openProductionClient } from "../crm/read-only";
import { inOneSnapshot, tooLargeToReadWhole } from "../crm/whole-table-bounds";
import { SanitizationError } from "./errors";

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
}

export interface CarryOver {
  appAuthorizations: CarriedAppAuthorization[];
  webhooks: CarriedWebhook[];
}

export const NOTHING_CARRIED: CarryOver = { appAuthorizations: [], webhooks: [] };

/** A handful of rows per sandbox: held in memory on purpose, within bounds. */
export async function readCarryOver(previousCopyUrl: string): Promise<CarryOver> {
  const client = await openProductionClient(previousCopyUrl, givingUpAfter());
  try {
    return await inOneSnapshot(client, () => readMeasured(client));
  } finally {
    await endOrCut(client);
  }
}

/** The sandbox's authorizations and webhooks, measured first: its users write to it. */
async function readMeasured(client: pg.ClientBase): Promise<CarryOver> {
  const tooLarge = await tooLargeToReadWhole(client, [
    { table: "app_authorization", columns: ["app_name", "client_id", "system_user_token", "access_token", "refresh_token", "scopes"], what: "the sandbox's app authorizations" },
    { table: "webhook", columns: ["name", "kind", "target_url", "events", "secret"], what: "the sandbox's webhooks" },
  ]);
  if (tooLarge) throw new SanitizationError("COPY_FAILED", tooLarge);
  // Timestamps as PostgreSQL writes them, in one unambiguous form, which the new copy reads back as they
  // were. Read as JavaScript Dates they lost their microseconds, and one a Date cannot write back in a form
  // PostgreSQL reads (a year BC or past 9999, infinity) failed every refresh of the sandbox for good.
  await client.query("SELECT pg_catalog.set_config('DateStyle', 'ISO, YMD', true), pg_catalog.set_config('TimeZone', 'UTC', true)");
  const apps = await client.query<CarriedAppAuthorization>(
    `SELECT id, app_name, client_id, system_user_token, access_token, refresh_token, scopes, authorized_by, authorized_at::text AS authorized_at
       FROM public.app_authorization ORDER BY id`,
  );
  const hooks = await client.query<CarriedWebhook>(
    `SELECT id, name, kind, target_url, events, secret, active, created_by, created_at::text AS created_at FROM public.webhook ORDER BY id`,
  );
  return { appAuthorizations: apps.rows, webhooks: hooks.rows };
}
