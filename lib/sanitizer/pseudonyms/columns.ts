/**
 * Which columns rule 18 rewrites, and how: the contract's columns that hold a
 * person's or company's identity or free text about them, and the extra columns an
 * operator classifies `person-name`, `phone`, `address`, `free-text` (or `email`).
 * Isomorphic: the copy plan, the verifier and the dry run share it.
 */
import type { Classification } from "../classification";
import { ownValue } from "../../lookup-table";
import { columnTreatment } from "../treatments";

export const PERSONAL_KINDS = [
  "person-name",
  "username",
  "email",
  "company-name",
  "org-number",
  "phone",
  "website",
  "address",
  "city",
  "job-title",
  "free-text",
] as const;
export type PersonalKind = (typeof PERSONAL_KINDS)[number];

/** The classification treatments that are personal data (the rest: keep, clear). */
const CLASSIFIED_PERSONAL_KINDS = ["person-name", "phone", "address", "free-text", "email"] as const;

const CONTRACT_PERSONAL_COLUMNS: Readonly<Record<string, Readonly<Record<string, PersonalKind>>>> = {
  associate: { username: "username", full_name: "person-name", email: "email" },
  company: { name: "company-name", org_number: "org-number", email: "email", phone: "phone", website: "website", address: "address", city: "city" },
  contact: { first_name: "person-name", last_name: "person-name", title: "job-title", email: "email", phone: "phone", mobile: "phone" },
  sale: { title: "free-text" },
  project: { name: "free-text" },
  appointment: { subject: "free-text", location: "free-text" },
  document: { file_name: "free-text" },
  // A display name may be a person's ("Kari Hansen") or a team's ("Sales, Hansen AS"): scrubbed as text.
  inbox_account: { address: "email", display_name: "free-text" },
  inbox_message: { from_address: "email", to_addresses: "email", subject: "free-text", body: "free-text" },
  // A category is the customer's own words ("Key account: Hansen AS"), as a title is.
  ticket: { title: "free-text", category: "free-text" },
  ticket_message: { author_email: "email", body: "free-text" },
  ticket_attachment: { file_name: "free-text" },
  // A user's mail signature ("Med vennlig hilsen\nKari Hansen\nHansen AS, +47 …") is a preference.
  preference: { value: "free-text" },
  // The configuration tables' names are written by people for people: "Orders of Hansen AS",
  // "Nightly export for Kari Hansen", "Tripletex – Hansen AS". Rule 18 leaves no production
  // name anywhere in the sandbox, not only in the customer records.
  web_panel: { name: "free-text" },
  scheduled_task: { name: "free-text" },
  erp_connection: { name: "free-text" },
  // Rule 8: no production row survives, and the rows a refresh carries were made in the sandbox; but
  // in a copy that kept production's people, by people who name what they make after them: "Tell
  // Kari Hansen of new contacts", "Hansen AS sync". A refresh that turns pseudonymisation on scrubs
  // them (carry-over.ts), and the check reads them.
  app_authorization: { app_name: "free-text" },
  webhook: { name: "free-text" },
};

/**
 * The contract's text columns that hold no person's or company's name, phone or address,
 * each with why; every other text column of the contract is personal above. Kept beside
 * the map so a text column the contract gains is judged, not silently left as production's
 * (columns.test.ts holds the two lists to the contract).
 */
export const NOT_PERSONAL_TEXT_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  // Rule 1 sets the installation's identity; its company_name is the customer's own, which rule 1 puts in the serial.
  installation: ["customer_id", "company_name", "serial_number", "environment", "state", "source_customer_id", "service_base_url"],
  associate: ["user_plan"],
  company: ["country"],
  sale: ["currency", "stage"],
  project: ["status"],
  document: ["mime_type"],
  // Rule 3 clears the logins; the hosts are mail servers'.
  inbox_account: ["incoming_host", "outgoing_host", "incoming_username", "incoming_password", "outgoing_username", "outgoing_password", "oauth_access_token", "oauth_refresh_token"],
  inbox_message: ["folder"],
  // Rule 4 replaces every production mailbox with the sandbox's own.
  service_mailbox: ["address", "host", "username", "password", "oauth_refresh_token"],
  ticket: ["status", "priority"],
  ticket_attachment: ["mime_type"],
  // Rule 6 owns the URL; the location is one of the CRM's places, the app the one that made it.
  web_panel: ["url", "location", "created_by_app"],
  scheduled_task: ["kind", "schedule"],
  // Rule 8's carried rows: credentials and ids an app or a receiver was given (opaque, and a changed
  // one would no longer work), the scopes and events the CRM names, a hook's kind. And a hook's
  // target, as the ERP's endpoint: the address of the customer's own receiver. Scrubbed, a host
  // that holds a production company's name ("hooks.nordvik.no") became another, and the sandbox's
  // deliveries, signed with the hook's secret, went to whoever holds that name.
  app_authorization: ["client_id", "system_user_token", "access_token", "refresh_token", "scopes"],
  webhook: ["kind", "target_url", "events", "secret"],
  preference: ["section", "name"],
  erp_connection: ["connector", "endpoint_url", "api_key"],
};

/** Tables whose file contents are not copied when personal data is pseudonymised. */
export const FILE_CONTENT_COLUMNS: readonly (readonly [string, string])[] = [
  ["document", "content"],
  ["ticket_attachment", "content"],
];

export interface PersonalColumn {
  /** Position among the table's columns (and the COPY row's fields). */
  index: number;
  column: string;
  kind: PersonalKind;
}

const isPersonalKind = (treatment: string | undefined): treatment is PersonalKind =>
  (CLASSIFIED_PERSONAL_KINDS as readonly string[]).includes(treatment ?? "");

/** The personal-data kind of one column of a production table, or undefined. */
export function personalKind(classification: Classification, table: string, column: string): PersonalKind | undefined {
  const contract = ownValue(CONTRACT_PERSONAL_COLUMNS, table);
  const kind = contract && ownValue(contract, column);
  if (kind) return kind;
  const classified = columnTreatment(classification, table, column);
  return isPersonalKind(classified) ? classified : undefined;
}

/** The personal columns of a table, by position among `columns`. */
export function personalColumns(classification: Classification, table: string, columns: readonly string[]): PersonalColumn[] {
  return columns.flatMap((column, index) => {
    const kind = personalKind(classification, table, column);
    return kind ? [{ index, column, kind }] : [];
  });
}
