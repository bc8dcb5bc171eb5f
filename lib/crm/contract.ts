/**
 * The CRM production database contract (CONTRACT.md, shared with the CRM team) as data.
 *
 * Column types are spelled the way `information_schema.columns.data_type` reports
 * them, so the catalog of a live database can be compared with this file directly
 * (rule 0: every production table and column must be known; drift checks). The
 * Prisma schema in prisma/crm/schema.prisma must produce exactly this; the contract
 * test fails when the two disagree.
 *
 * Tables are listed parents first (every foreign key points at an earlier table),
 * an order that loaders and copiers can follow as is.
 */

export type PgDataType =
  | "integer"
  | "text"
  | "boolean"
  | "timestamp with time zone"
  | "date"
  | "numeric"
  | "character"
  | "bytea";

export interface ContractColumn {
  name: string;
  type: PgDataType;
  nullable: boolean;
  /** numeric(precision, scale) */
  numericPrecision?: number;
  numericScale?: number;
  /** character(length) */
  maxLength?: number;
}

export type DeleteRule = "NO ACTION" | "CASCADE";

export interface ContractForeignKey {
  column: string;
  references: string;
  onDelete: DeleteRule;
}

export interface ContractTable {
  name: string;
  columns: readonly ContractColumn[];
  foreignKeys: readonly ContractForeignKey[];
  /** Unique constraints besides the primary key (always `id`), columns in order. */
  unique: readonly (readonly string[])[];
}

// Compact column notation: "text", "text?" (nullable), "numeric(14,2)", "character(3)".
type BaseSpec = Exclude<PgDataType, "numeric" | "character"> | "numeric(14,2)" | "character(3)";
type ColumnSpec = BaseSpec | `${BaseSpec}?`;

interface TableSpec {
  columns: Record<string, ColumnSpec>;
  /** column → referenced table; a trailing " cascade" marks ON DELETE CASCADE. */
  references?: Record<string, string>;
  unique?: string[][];
}

const TIMESTAMPTZ = "timestamp with time zone";

const SPEC: Record<string, TableSpec> = {
  installation: {
    columns: {
      id: "integer",
      customer_id: "text",
      company_name: "text",
      serial_number: "text",
      environment: "text",
      state: "text",
      source_customer_id: "text?",
      copied_at: `${TIMESTAMPTZ}?`,
      service_base_url: "text",
    },
  },
  associate: {
    columns: {
      id: "integer",
      username: "text",
      full_name: "text",
      email: "text?",
      user_plan: "text?",
      can_login: "boolean",
      is_retired: "boolean",
      created_at: TIMESTAMPTZ,
    },
    unique: [["username"]],
  },
  company: {
    columns: {
      id: "integer",
      name: "text",
      org_number: "text?",
      email: "text?",
      phone: "text?",
      website: "text?",
      address: "text?",
      city: "text?",
      country: "text?",
      owner_id: "integer",
      created_at: TIMESTAMPTZ,
      updated_at: TIMESTAMPTZ,
    },
    references: { owner_id: "associate" },
  },
  contact: {
    columns: {
      id: "integer",
      company_id: "integer",
      first_name: "text",
      last_name: "text",
      title: "text?",
      email: "text?",
      phone: "text?",
      mobile: "text?",
      created_at: TIMESTAMPTZ,
      updated_at: TIMESTAMPTZ,
    },
    references: { company_id: "company" },
  },
  sale: {
    columns: {
      id: "integer",
      company_id: "integer",
      contact_id: "integer?",
      owner_id: "integer",
      title: "text",
      amount: "numeric(14,2)",
      currency: "character(3)",
      stage: "text",
      probability: "integer",
      expected_close: "date?",
      created_at: TIMESTAMPTZ,
      updated_at: TIMESTAMPTZ,
    },
    references: { company_id: "company", contact_id: "contact", owner_id: "associate" },
  },
  project: {
    columns: {
      id: "integer",
      name: "text",
      status: "text",
      owner_id: "integer",
      company_id: "integer?",
      starts_on: "date",
      ends_on: "date?",
      created_at: TIMESTAMPTZ,
    },
    references: { owner_id: "associate", company_id: "company" },
  },
  appointment: {
    columns: {
      id: "integer",
      associate_id: "integer",
      company_id: "integer?",
      contact_id: "integer?",
      subject: "text",
      location: "text?",
      starts_at: TIMESTAMPTZ,
      ends_at: TIMESTAMPTZ,
      created_at: TIMESTAMPTZ,
    },
    references: { associate_id: "associate", company_id: "company", contact_id: "contact" },
  },
  document: {
    columns: {
      id: "integer",
      company_id: "integer?",
      contact_id: "integer?",
      owner_id: "integer",
      file_name: "text",
      mime_type: "text",
      content: "bytea",
      size_bytes: "integer",
      created_at: TIMESTAMPTZ,
    },
    references: { company_id: "company", contact_id: "contact", owner_id: "associate" },
  },
  inbox_account: {
    columns: {
      id: "integer",
      associate_id: "integer",
      address: "text",
      display_name: "text?",
      incoming_host: "text?",
      outgoing_host: "text?",
      incoming_username: "text?",
      incoming_password: "text?",
      outgoing_username: "text?",
      outgoing_password: "text?",
      oauth_access_token: "text?",
      oauth_refresh_token: "text?",
      created_at: TIMESTAMPTZ,
    },
    references: { associate_id: "associate" },
  },
  inbox_message: {
    columns: {
      id: "integer",
      account_id: "integer",
      folder: "text",
      from_address: "text",
      to_addresses: "text",
      subject: "text",
      body: "text",
      received_at: TIMESTAMPTZ,
    },
    references: { account_id: "inbox_account cascade" },
  },
  service_mailbox: {
    columns: {
      id: "integer",
      address: "text",
      host: "text?",
      username: "text?",
      password: "text?",
      oauth_refresh_token: "text?",
      is_active: "boolean",
      created_at: TIMESTAMPTZ,
    },
  },
  ticket: {
    columns: {
      id: "integer",
      title: "text",
      status: "text",
      priority: "text",
      category: "text?",
      company_id: "integer?",
      contact_id: "integer?",
      owner_id: "integer?",
      mailbox_id: "integer?",
      created_at: TIMESTAMPTZ,
      updated_at: TIMESTAMPTZ,
      closed_at: `${TIMESTAMPTZ}?`,
    },
    references: {
      company_id: "company",
      contact_id: "contact",
      owner_id: "associate",
      mailbox_id: "service_mailbox",
    },
  },
  ticket_message: {
    columns: {
      id: "integer",
      ticket_id: "integer",
      author_email: "text?",
      body: "text",
      created_at: TIMESTAMPTZ,
    },
    references: { ticket_id: "ticket cascade" },
  },
  ticket_attachment: {
    columns: {
      id: "integer",
      ticket_message_id: "integer",
      file_name: "text",
      mime_type: "text",
      content: "bytea",
      size_bytes: "integer",
      created_at: TIMESTAMPTZ,
    },
    references: { ticket_message_id: "ticket_message cascade" },
  },
  web_panel: {
    columns: {
      id: "integer",
      name: "text",
      url: "text",
      location: "text",
      visible: "boolean",
      created_by_app: "text?",
      created_at: TIMESTAMPTZ,
    },
  },
  scheduled_task: {
    columns: {
      id: "integer",
      name: "text",
      kind: "text",
      schedule: "text",
      enabled: "boolean",
      last_run_at: `${TIMESTAMPTZ}?`,
      next_run_at: `${TIMESTAMPTZ}?`,
      created_at: TIMESTAMPTZ,
    },
  },
  app_authorization: {
    columns: {
      id: "integer",
      app_name: "text",
      client_id: "text",
      system_user_token: "text?",
      access_token: "text?",
      refresh_token: "text?",
      scopes: "text",
      authorized_by: "integer?",
      authorized_at: TIMESTAMPTZ,
    },
    references: { authorized_by: "associate" },
  },
  webhook: {
    columns: {
      id: "integer",
      name: "text",
      kind: "text",
      target_url: "text?",
      events: "text",
      secret: "text?",
      active: "boolean",
      created_by: "integer?",
      created_at: TIMESTAMPTZ,
    },
    references: { created_by: "associate" },
  },
  preference: {
    columns: {
      id: "integer",
      section: "text",
      name: "text",
      value: "text",
      associate_id: "integer?",
    },
    references: { associate_id: "associate" },
    unique: [["section", "name", "associate_id"]],
  },
  erp_connection: {
    columns: {
      id: "integer",
      name: "text",
      connector: "text",
      endpoint_url: "text",
      api_key: "text?",
      auto_sync: "boolean",
      last_sync_at: `${TIMESTAMPTZ}?`,
      created_at: TIMESTAMPTZ,
    },
  },
};

function parseColumn(name: string, spec: ColumnSpec): ContractColumn {
  const nullable = spec.endsWith("?");
  const base = (nullable ? spec.slice(0, -1) : spec) as BaseSpec;
  if (base === "numeric(14,2)") return { name, type: "numeric", nullable, numericPrecision: 14, numericScale: 2 };
  if (base === "character(3)") return { name, type: "character", nullable, maxLength: 3 };
  return { name, type: base, nullable };
}

function parseTable(name: string, spec: TableSpec): ContractTable {
  return {
    name,
    columns: Object.entries(spec.columns).map(([column, s]) => parseColumn(column, s)),
    foreignKeys: Object.entries(spec.references ?? {}).map(([column, target]) => {
      const [references = "", rule] = target.split(" ");
      return { column, references, onDelete: rule === "cascade" ? "CASCADE" : "NO ACTION" };
    }),
    unique: spec.unique ?? [],
  };
}

/** Every contract table, parents before children. */
export const CRM_TABLES: readonly ContractTable[] = Object.entries(SPEC).map(([name, spec]) =>
  parseTable(name, spec),
);

/**
 * The configuration tables (rule 17): copied whole by every kind of sandbox. Every
 * other table holds customer records, left out of a configuration-only copy. None
 * of these references a customer-record table, so leaving those empty never
 * leaves a foreign key dangling.
 */
export const CONFIGURATION_TABLES: ReadonlySet<string> = new Set([
  "installation",
  "associate",
  "web_panel",
  "scheduled_task",
  "preference",
  "erp_connection",
  "service_mailbox",
  "app_authorization",
  "webhook",
]);

export function contractTable(name: string): ContractTable | undefined {
  return CRM_TABLES.find((t) => t.name === name);
}

/** associate.user_plan's value domain (null = no plan). */
export const USER_PLANS = [
  "sales-essentials",
  "sales-premium",
  "service-essentials",
  "service-premium",
  "marketing",
  "complete",
] as const;

/**
 * The value domains that a CHECK constraint in production may enforce as a contract
 * object ("Schema objects the contract defines"): a text column restricted to its
 * listed values, a number to a range, `installation.id` to 1.
 */
export type ValueDomain =
  | { table: string; column: string; kind: "values"; values: readonly string[] }
  | { table: string; column: string; kind: "range"; min: number; max: number }
  | { table: string; column: string; kind: "equals"; value: number };

const values = (table: string, column: string, list: readonly string[]): ValueDomain => ({ table, column, kind: "values", values: list });

export const VALUE_DOMAINS: readonly ValueDomain[] = [
  { table: "installation", column: "id", kind: "equals", value: 1 },
  values("installation", "environment", ["production", "sandbox"]),
  values("installation", "state", ["running", "maintenance"]),
  values("associate", "user_plan", USER_PLANS),
  values("sale", "stage", ["lead", "qualified", "proposal", "negotiation", "won", "lost"]),
  { table: "sale", column: "probability", kind: "range", min: 0, max: 100 },
  values("project", "status", ["planned", "in-progress", "completed", "cancelled"]),
  values("ticket", "status", ["open", "pending", "postponed", "closed", "deleted"]),
  values("ticket", "priority", ["low", "normal", "high", "critical"]),
  values("scheduled_task", "kind", ["crmscript", "erp-sync", "import", "export", "maintenance"]),
  values("webhook", "kind", ["http-post", "crmscript"]),
  values("erp_connection", "connector", ["visma-net", "tripletex", "business-central", "fortnox", "other"]),
];

/** Unique keys besides the primary key, including installation.customer_id (unique across the fleet). */
export function contractUniques(table: string): readonly (readonly string[])[] {
  const listed = contractTable(table)?.unique ?? [];
  return table === "installation" ? [...listed, ["customer_id"]] : listed;
}
