/**
 * What a run did, as users will see it ("all steps"): the snapshot time, the
 * options, each table copied, and per rule the counts of what changed and the
 * checks run on the finished copy. Plain JSON: stored in the portal database as is.
 */
import type { SandboxOptions } from "./options";
import type { SandboxExpectations } from "./expectations";
import { csvLine } from "../csv";

export interface RuleCheck {
  description: string;
  ok: boolean;
  /** A few offending rows, e.g. `ticket 12: status=open`. */
  offending?: string[];
}

export interface RuleReport {
  rule: number;
  title: string;
  changes: Record<string, number>;
  checks: RuleCheck[];
}

export interface TableReport {
  name: string;
  rows: number;
  /** The rows' bytes streamed (in COPY's text or binary format, without the binary format's own header and end mark), a fair measure of the data moved. */
  bytes: number;
}

/** The most of a kept task's name a report holds: production's text, shown on every view of the sandbox's history, for up to 1,000 tasks a run. */
export const MAX_TASK_NAME = 200;
/** The most of a username a report holds. */
export const MAX_USERNAME = 200;

export interface SanitizationReport {
  /** ISO 8601: production's `now()` inside the snapshot transaction. */
  snapshotAt: string;
  sourceCustomerId: string;
  sandboxCustomerId: string;
  options: SandboxOptions;
  /** The tasks kept enabled, by name as the copy holds them (reports from before names were kept lack it). */
  keptTasks?: { id: number; name: string }[];
  /**
   * The usernames the people given access sign in with, by associate id, as the copy holds them: a
   * pseudonymised copy's are made up (rule 18), and they are told theirs (reports from before lack it).
   */
  signInNames?: { id: number; username: string }[];
  tables: TableReport[];
  rules: RuleReport[];
  durationMs: number;
  /** What the verifier expects of this copy: lets verifySandbox re-check it later. */
  expectations: SandboxExpectations;
}

const CSV_HEADER = ["section", "name", "key", "value", "ok", "offending"];

/**
 * The report as CSV, one line per fact: a row per table, a row per change count
 * and a row per check. Spreadsheet-friendly and formula-safe (lib/csv.ts): offending
 * values come from production.
 */
export function reportToCsv(report: SanitizationReport): string {
  const rows: string[][] = [CSV_HEADER];
  rows.push(["run", "snapshot", "snapshotAt", report.snapshotAt, "", ""]);
  rows.push(["run", "source", "customerId", report.sourceCustomerId, "", ""]);
  rows.push(["run", "sandbox", "customerId", report.sandboxCustomerId, "", ""]);
  rows.push(["run", "duration", "ms", String(report.durationMs), "", ""]);
  rows.push(["run", "options", "json", JSON.stringify(report.options), "", ""]);
  for (const t of report.tables) {
    rows.push(["table", t.name, "rows", String(t.rows), "", ""]);
    rows.push(["table", t.name, "bytes", String(t.bytes), "", ""]);
  }
  for (const r of report.rules) {
    const name = `${r.rule} ${r.title}`;
    for (const [key, value] of Object.entries(r.changes)) rows.push(["change", name, key, String(value), "", ""]);
    for (const c of r.checks) {
      rows.push(["check", name, c.description, "", c.ok ? "yes" : "no", (c.offending ?? []).join("; ")]);
    }
  }
  return rows.map(csvLine).join("");
}
