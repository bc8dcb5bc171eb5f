/**
 * The contract audit's own checks, written apart from the portal's verifier (verify.ts):
 * a sandbox against its production row by row, with SQL of their own, per rule; rule
 * 17's closure found again on production; schemas compared in the catalog.
 */
import { expect } from "vitest";
import { rows, scalar } from "./sanitizer-fixtures";
import type { SanitizationReport } from "../sanitizer/report";

export type Row = Record<string, unknown>;

/** id → whole row as jsonb text-comparable object. */
async function tableRows(url: string, t: string): Promise<Map<number, Row>> {
  const list = await rows<{ id: number; j: Row }>(url, `SELECT id, to_jsonb(x) AS j FROM "${t}" x ORDER BY id`);
  return new Map(list.map((r) => [Number(r.id), r.j]));
}

const omit = (row: Row | undefined, cols: string[]) => Object.fromEntries(Object.entries(row ?? {}).filter(([k]) => !cols.includes(k)));

/** Rule 2 as the contract words it, for an address with one "@". */
function invalidated(address: unknown, domain: string): unknown {
  if (address === null || address === "") return address;
  const text = String(address);
  const at = text.lastIndexOf("@");
  if (at < 0) return undefined;
  return `${text.slice(0, at)}_${text.slice(at + 1)}@${domain}`;
}

function expectEmail(after: unknown, before: unknown, domain: string, where: string, pseudonymised: boolean) {
  if (before === null || before === "") return expect(after, where).toBe(before);
  const text = String(after);
  expect(text.endsWith(`@${domain}`), `${where}: ${text}`).toBe(true);
  expect(text.split("@").length, `${where}: one @ only in ${text}`).toBe(2);
  if (String(before).split("@").length === 2 && !pseudonymised) expect(after, where).toBe(invalidated(before, domain));
}

const SCRIPT_VARIABLE: Record<string, string> = { ticket: "<csti>", rms: "<csrm>", customer: "<cscu>", blogic: "<csbl>" };

/** Rule 6 for the generator's plain URLs (the odd ones have their expectation in addAwkwardRows). */
function expectedPlainUrl(url: string, base: string): string {
  const m = /^https?:\/\/online\d+\.superoffice\.com\/Cust\d+\/CS\/Scripts\/(ticket|rms|customer|blogic)\.fcgi([?#].*)?$/i.exec(url);
  if (m) return `${SCRIPT_VARIABLE[m[1]!.toLowerCase()]}${m[2] ?? ""}`;
  if (url.startsWith(`${base}/Scripts/`)) {
    const n = /^\/Scripts\/(ticket|rms|customer|blogic)\.fcgi([?#].*)?$/.exec(url.slice(base.length));
    if (n) return `${SCRIPT_VARIABLE[n[1]!]}${n[2] ?? ""}`;
  }
  return url;
}

export interface AuditExpect {
  kind: "full" | "partial" | "config";
  domain: string;
  users: { associateId: number; userPlan: string }[];
  keptTasks: number[];
  documents: "none" | "all" | string;
  attachments: boolean;
  state: "running" | "maintenance";
  carried?: { app: number; webhook: number };
  /** Rule 18 pseudonymised: the personal columns are rule 18's to check, the rest rule 13's. */
  pseudonymised?: boolean;
}

/** My own list of what rule 18 may change (its names, phones, addresses and free text). */
const PERSONAL: Record<string, string[]> = {
  associate: ["username", "full_name"],
  company: ["name", "org_number", "phone", "website", "address", "city"],
  contact: ["first_name", "last_name", "title", "phone", "mobile"],
  sale: ["title"],
  project: ["name"],
  appointment: ["subject", "location"],
  document: ["file_name", "content", "size_bytes"],
  inbox_account: ["display_name"],
  ticket: ["title", "category"],
  ticket_message: ["body"],
  ticket_attachment: ["file_name", "content", "size_bytes"],
  preference: ["value"],
  web_panel: ["name"],
  scheduled_task: ["name"],
  erp_connection: ["name"],
};

const CONFIG_TABLES = ["installation", "associate", "web_panel", "scheduled_task", "preference", "erp_connection"];

/** Every rule but 0, 14-16 and 18, for one sandbox, against production row by row. */
export async function auditSandbox(prod: string, url: string, report: SanitizationReport, e: AuditExpect, panelCases: [string, string][]) {
  const snapshot = report.snapshotAt;
  const pseudonymised = e.pseudonymised ?? false;
  const [inst] = await rows<Row>(url, "SELECT * FROM installation");
  const [pinst] = await rows<Row>(prod, "SELECT * FROM installation");
  // Rule 1.
  expect(inst).toMatchObject({
    id: 1,
    environment: "sandbox",
    customer_id: "Cust77001",
    source_customer_id: pinst?.customer_id,
    serial_number: `Test Env - ${String(pinst?.company_name)}/${String(pinst?.serial_number)}`,
    state: e.state,
    company_name: pinst?.company_name,
    service_base_url: pinst?.service_base_url,
  });
  expect((inst?.copied_at as Date).toISOString()).toBe(snapshot);

  const problems: string[] = [];
  const same = (a: unknown, b: unknown, where: string) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${where}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
  };

  // Rule 13 with the named columns set apart, and the named ones as their rules say.
  const named: Record<string, string[]> = {
    associate: ["email", "can_login", "user_plan"],
    company: ["email"],
    contact: ["email", "private_email", "shoe_size"],
    inbox_account: ["address", "incoming_username", "incoming_password", "outgoing_username", "outgoing_password", "oauth_access_token", "oauth_refresh_token"],
    ticket: ["status", "closed_at", "mailbox_id"],
    ticket_message: ["author_email"],
    web_panel: ["url"],
    scheduled_task: ["enabled"],
    preference: ["value"],
    erp_connection: ["auto_sync", "api_key"],
  };
  const [box] = await rows<Row>(url, "SELECT * FROM service_mailbox");
  const tables = (await rows<{ t: string }>(prod, "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map((r) => r.t);
  for (const t of tables.filter((t) => !["installation", "service_mailbox", "app_authorization", "webhook", "inbox_message"].includes(t))) {
    const before = await tableRows(prod, t);
    const after = await tableRows(url, t);
    for (const [id, s] of after) {
      const p = before.get(id);
      if (!p) {
        if (!(t === "preference" && s.associate_id === null)) problems.push(`${t} ${id} is not production's`);
        continue;
      }
      const set = [...(named[t] ?? []), ...(e.pseudonymised ? (PERSONAL[t] ?? []) : [])];
      same(omit(s, set), omit(p, set), `${t} ${id}`);
    }
    if (e.kind === "full" || (e.kind === "config" && CONFIG_TABLES.includes(t)) || (e.kind === "partial" && CONFIG_TABLES.includes(t))) {
      const wanted = [...before.values()].filter((p) => {
        if (t === "document") return e.documents === "all" || (e.documents !== "none" && new Date(String(p.created_at)) >= new Date(`${e.documents}T00:00:00Z`));
        if (t === "ticket_attachment") return e.attachments;
        return true;
      });
      const missing = wanted.filter((p) => !after.has(Number(p.id))).map((p) => p.id);
      if (missing.length) problems.push(`${t}: ${missing.length} production rows missing (${missing.slice(0, 5).join(", ")})`);
    }
    if (e.kind !== "full" && t === "region") same(after.size, 0, "an unrelated classified table in a partial or configuration-only copy");
    if (e.kind === "config" && !CONFIG_TABLES.includes(t)) same(after.size, 0, `${t} rows in a configuration-only copy`);
    if (t === "document" && e.documents === "none") same(after.size, 0, "documents when none chosen");
    if (t === "document" && e.documents !== "none" && e.documents !== "all") {
      for (const s of after.values()) if (new Date(String(s.created_at)) < new Date(`${e.documents}T00:00:00Z`)) problems.push(`document ${String(s.id)} before the date`);
    }
    if (t === "ticket_attachment" && !e.attachments) same(after.size, 0, "attachments when not chosen");

    for (const [id, s] of after) {
      const p = before.get(id);
      if (!p) continue;
      const where = `${t} ${id}`;
      if (t === "associate" || t === "company" || t === "contact") expectEmail(s.email, p.email, e.domain, `${where} email`, pseudonymised);
      if (t === "contact") {
        expectEmail(s.private_email, p.private_email, e.domain, `${where} private_email`, pseudonymised);
        same(s.shoe_size, null, `${where} shoe_size`);
      }
      if (t === "associate") {
        const user = e.users.find((u) => u.associateId === id);
        same([s.can_login, s.user_plan], user ? [true, user.userPlan] : [false, null], `${where} access`);
      }
      if (t === "inbox_account") {
        expectEmail(s.address, p.address, e.domain, `${where} address`, pseudonymised);
        for (const c of named.inbox_account!.slice(1)) same(s[c], null, `${where} ${c}`);
      }
      if (t === "ticket_message") expectEmail(s.author_email, p.author_email, e.domain, `${where} author_email`, pseudonymised);
      if (t === "ticket") {
        const wasOpen = ["open", "pending", "postponed"].includes(String(p.status));
        same(s.status, wasOpen ? "closed" : p.status, `${where} status`);
        same(wasOpen ? new Date(String(s.closed_at)).toISOString() : s.closed_at, wasOpen ? snapshot : p.closed_at, `${where} closed_at`);
        same(s.mailbox_id, p.mailbox_id === null ? null : box?.id, `${where} mailbox`);
      }
      if (t === "web_panel") {
        const odd = panelCases.find(([u]) => u === p.url);
        const want = odd ? (odd[1] === "same" ? odd[0] : odd[1]) : expectedPlainUrl(String(p.url), String(pinst?.service_base_url));
        same(s.url, want, `${where} url ${JSON.stringify(p.url)}`);
      }
      if (t === "scheduled_task") same(s.enabled, e.keptTasks.includes(id), `${where} enabled`);
      if (t === "erp_connection") same([s.auto_sync, s.api_key], [false, null], `${where} erp`);
      if (t === "preference") {
        const optIn = s.section === "System" && s.associate_id === null && ["Statistics OptIn - Configured", "UserSync OptIn - Configured"].includes(String(s.name));
        if (optIn || !e.pseudonymised) same(s.value, optIn ? "No" : p.value, `${where} value`);
      }
    }
  }
  // Rule 3, 4, 8, 11.
  same(await scalar(url, "SELECT count(*) FROM inbox_message"), "0", "inbox_message");
  same(await scalar(url, "SELECT count(*) FROM service_mailbox"), "1", "one mailbox");
  same([box?.address, box?.host, box?.username, box?.password, box?.oauth_refresh_token], ["support@audit.example", null, null, null, null], "mailbox");
  if (Number(box?.id) <= Number(await scalar(prod, "SELECT max(id) FROM service_mailbox"))) problems.push("mailbox id is a production id");
  for (const [t, key] of [["app_authorization", "app_name || client_id || authorized_at"], ["webhook", "name || kind || created_at"]] as const) {
    const prodKeys = new Set((await rows<{ k: string }>(prod, `SELECT ${key} AS k FROM ${t}`)).map((r) => r.k));
    const sbx = await rows<{ k: string }>(url, `SELECT ${key} AS k FROM ${t}`);
    for (const r of sbx) if (prodKeys.has(r.k)) problems.push(`${t} from production survives: ${r.k}`);
    same(sbx.length, (t === "webhook" ? e.carried?.webhook : e.carried?.app) ?? 0, `${t} rows`);
  }
  for (const name of ["Statistics OptIn - Configured", "UserSync OptIn - Configured"]) {
    same(await scalar(url, "SELECT string_agg(value, ',') FROM preference WHERE section = 'System' AND name = $1 AND associate_id IS NULL", [name]), "No", name);
  }
  // Sequences continue after production's maximum and the copy's own.
  for (const t of tables) {
    const seq = await scalar(url, "SELECT pg_get_serial_sequence($1, 'id')", [`public.${t}`]);
    if (!seq) continue;
    const pmax = Number(await scalar(prod, `SELECT coalesce(max(id), 0) FROM "${t}"`));
    const smax = Number(await scalar(url, `SELECT coalesce(max(id), 0) FROM "${t}"`));
    const next = Number(await scalar(url, "SELECT nextval($1)", [seq]));
    if (next <= Math.max(pmax, smax)) problems.push(`${t}: sequence gives ${next}, max ${Math.max(pmax, smax)}`);
  }
  // No foreign key dangles (looked for, not trusted to the constraints).
  const fks = await rows<{ child: string; col: string; parent: string }>(
    prod,
    `SELECT c.conrelid::regclass::text AS child, a.attname AS col, c.confrelid::regclass::text AS parent
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] WHERE c.contype = 'f'`,
  );
  for (const fk of fks) {
    const n = await scalar(url, `SELECT count(*) FROM ${fk.child} x WHERE ${fk.col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${fk.parent} y WHERE y.id = x.${fk.col})`);
    if (n !== "0") problems.push(`${fk.child}.${fk.col} → ${fk.parent}: ${n} dangling`);
  }
  expect(problems).toEqual([]);
}

/** Rule 17: the chosen companies' dependants, found on production by my own closure. */
export async function expectDependants(prod: string, url: string, chosen: number[], e: AuditExpect) {
  const c = `ARRAY[${chosen.join(",")}]::int[]`;
  const contacts = `(SELECT id FROM contact WHERE company_id = ANY(${c}))`;
  const tickets = `(SELECT id FROM ticket WHERE company_id = ANY(${c}) OR contact_id IN ${contacts})`;
  const messages = `(SELECT id FROM ticket_message WHERE ticket_id IN ${tickets})`;
  const wanted: Record<string, string> = {
    company: `id = ANY(${c})`,
    contact: `company_id = ANY(${c})`,
    sale: `company_id = ANY(${c}) OR contact_id IN ${contacts}`,
    project: `company_id = ANY(${c})`,
    appointment: `company_id = ANY(${c}) OR contact_id IN ${contacts}`,
    ticket: `id IN ${tickets}`,
    ticket_message: `id IN ${messages}`,
    company_note: `company_id = ANY(${c})`,
    ...(e.documents === "all" ? { document: `company_id = ANY(${c}) OR contact_id IN ${contacts}` } : {}),
    ...(e.attachments ? { ticket_attachment: `ticket_message_id IN ${messages}` } : {}),
  };
  const missing: string[] = [];
  for (const [t, where] of Object.entries(wanted)) {
    const ids = (await rows<{ id: number }>(prod, `SELECT id FROM ${t} WHERE ${where}`)).map((r) => r.id);
    const have = new Set((await rows<{ id: number }>(url, `SELECT id FROM ${t}`)).map((r) => r.id));
    const lost = ids.filter((id) => !have.has(id));
    if (lost.length) missing.push(`${t}: ${lost.length} of ${ids.length} missing`);
    if (t === "company") expect(ids.length).toBe(chosen.length);
  }
  expect(missing).toEqual([]);
}

export const FULL: AuditExpect = { kind: "full", domain: "mailinator.com", users: [], keptTasks: [], documents: "none", attachments: false, state: "running" };

/** Production's personal values by kind (rule 18's list), and its e-mail addresses. */
export async function personalValues(url: string) {
  const list = async (sql: string) => (await rows<{ v: string }>(url, sql)).map((r) => r.v).filter((v) => v && v.length >= 5);
  return {
    fullName: new Set(await list("SELECT full_name AS v FROM associate UNION SELECT first_name || ' ' || last_name FROM contact")),
    companyName: new Set(await list("SELECT name AS v FROM company")),
    phone: new Set(await list("SELECT phone AS v FROM company UNION SELECT phone FROM contact UNION SELECT mobile FROM contact")),
    address: new Set(await list("SELECT address AS v FROM company")),
    orgNumber: new Set(await list("SELECT org_number AS v FROM company")),
    website: new Set(await list("SELECT website AS v FROM company")),
    email: new Set((await list("SELECT lower(email) AS v FROM associate UNION SELECT lower(email) FROM company UNION SELECT lower(email) FROM contact")).filter((v) => v.includes("@"))),
  };
}

/** Whether `text` holds `word` with no letter or digit either side ("Gate 9" is not in "Gate 98"). */
export function holdsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const before = text.slice(0, at).at(-1) ?? " ";
    const after = text.at(at + word.length) ?? " ";
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
  }
  return false;
}

/** The schema as rule 13 and 16 see it: columns, constraints (with definitions), indexes, identities. */
export async function schemaOf(url: string, tables: string[]) {
  const list = `ARRAY[${tables.map((t) => `'${t}'`).join(",")}]`;
  return {
    columns: await rows(
      url,
      `SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, a.attidentity, a.attgenerated,
              pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL AS owned_seq, d.adbin IS NOT NULL AS has_default
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relname = ANY(${list}) AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, a.attnum`,
    ),
    constraints: await rows(
      url,
      `SELECT conrelid::regclass::text AS t, conname, contype, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid::regclass::text = ANY(${list}) ORDER BY 1, 2`,
    ),
    indexes: await rows(url, `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(${list}) ORDER BY 1, 2`),
  };
}
