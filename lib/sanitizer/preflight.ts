/**
 * Checks on production, inside the snapshot and before anything is created: the
 * source must be a production installation (rule 15), the tables the run reads whole
 * (its installation and web panels) of a size it can hold, and the wizard's choices
 * must name associates and tasks that exist in it.
 */
import type pg from "pg";
import { tooLargeToReadWhole, type WholeRead } from "../crm/whole-table-bounds";
import { SanitizationError } from "./errors";
import { namedCompanies, type SandboxOptions } from "./options";
import { WEB_PANELS_READ } from "./rules/rule-06-web-panels";
import { quoted } from "../untrusted-text";

export interface SourceInstallation {
  customerId: string;
  companyName: string;
  serialNumber: string;
  serviceBaseUrl: string;
}

export interface Preflight {
  installation: SourceInstallation;
  /** Above every production mailbox id and the sequence's last value. */
  newMailboxId: number;
}

/** Read whole by the run: the installation here, the web panels by rule 6. */
const READ_WHOLE: readonly WholeRead[] = [
  { table: "installation", columns: ["customer_id", "company_name", "serial_number", "service_base_url", "environment"], what: "production's installation rows" },
  WEB_PANELS_READ,
];

export async function preflight(client: pg.ClientBase, options: SandboxOptions): Promise<Preflight> {
  const tooLarge = await tooLargeToReadWhole(client, READ_WHOLE);
  if (tooLarge) throw new SanitizationError("COPY_FAILED", tooLarge);
  const inst = await client.query<SourceInstallation & { environment: string }>(
    `SELECT customer_id AS "customerId", company_name AS "companyName", serial_number AS "serialNumber",
            service_base_url AS "serviceBaseUrl", environment FROM public.installation LIMIT 2`,
  );
  const row = inst.rows[0];
  if (inst.rows.length !== 1 || !row) {
    throw new SanitizationError("COPY_FAILED", `installation must hold exactly one row; it holds ${inst.rows.length === 0 ? "none" : "more"}.`);
  }
  if (row.environment !== "production") {
    throw new SanitizationError(
      "SOURCE_IS_SANDBOX",
      row.environment === "sandbox"
        ? `${quoted(row.customerId)} is a sandbox: a sandbox is never a copy source.`
        : `${quoted(row.customerId)} has environment ${quoted(row.environment)}, not "production": refusing to copy it.`,
    );
  }

  const problems: string[] = [];
  const associateIds = options.users.map((u) => u.associateId);
  const missingAssociates = await missingIds(client, "associate", associateIds);
  if (missingAssociates.length) problems.push(`no associate with id ${missingAssociates.join(", ")}`);
  const missingTasks = await missingIds(client, "scheduled_task", options.keepEnabledTaskIds);
  if (missingTasks.length) problems.push(`no scheduled task with id ${missingTasks.join(", ")}`);
  const missingCompanies = await missingIds(client, "company", namedCompanies(options));
  if (missingCompanies.length) problems.push(`no company with id ${missingCompanies.join(", ")}`);
  if (problems.length) {
    throw new SanitizationError("INVALID_OPTIONS", `The options do not match production: ${problems.join("; ")}.`, { problems });
  }

  const mailbox = await client.query<{ next: number }>(
    `SELECT (greatest(coalesce(max(id), 0), coalesce((SELECT last_value FROM pg_sequences
               WHERE format('%I.%I', schemaname, sequencename) = pg_get_serial_sequence('public.service_mailbox', 'id')), 0)) + 1)::int AS next
       FROM public.service_mailbox`,
  );
  const { environment: _environment, ...installation } = row;
  return { installation, newMailboxId: mailbox.rows[0]?.next ?? 1 };
}

async function missingIds(client: pg.ClientBase, table: "associate" | "scheduled_task" | "company", ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const { rows } = await client.query<{ id: number }>(
    `SELECT i AS id FROM unnest($1::int[]) i WHERE NOT EXISTS (SELECT 1 FROM public.${table} WHERE id = i) ORDER BY 1`,
    [ids],
  );
  return rows.map((r) => r.id);
}
