/**
 * Reads production's distinct personal values once per run, inside the run's
 * snapshot (or the dry run's read-only session): the sets pseudonyms must never
 * equal, the names the scrubber replaces and the verifier looks for. Only columns
 * production has are read; each set is bounded in values, in characters and in each
 * value's length, and a production beyond that is not copied pseudonymised (fail
 * closed, never half-scrubbed).
 */
import type pg from "pg";
import { copyLimits, type CopyLimits } from "../../config/copy-limits";
import { formatBytes } from "../../format";
import { columnTreatment, type Classification } from "../classification";
import { SanitizationError } from "../errors";
import type { RuleTable } from "../rules/rule";
import { publicTable, quoteIdent } from "../sql";
import { personalKind, type PersonalKind } from "./columns";
import { forEachCopyLine } from "./copy-rows";
import { decodeField } from "./copy-text";
import { cannotPseudonymise } from "./refusal";
import type { RawProductionValues } from "./values";

export interface SetLimits {
  /** Distinct values per set. */
  values: number;
  /** Characters per set, its values together: the count alone bounds nothing when each value may be long. */
  chars: number;
  /** Bytes of one value: a name, phone number or address (an operator's classified one too) is far shorter. */
  valueBytes: number;
}

/** The longest value read: a name, phone number or address (an operator's classified one too) is far shorter. */
export const MAX_VALUE_BYTES = 64 * 1024;
/** Characters a set may hold per value it may hold: its values' average length at most. */
const CHARS_PER_VALUE = 64;

/**
 * The bounds of every set: PSEUDONYMISE_MAX_VALUES values (a million by default), of 64
 * characters on average. About 128 MB a million at worst: names of 60 characters, or
 * fewer longer ones.
 */
export function setLimits(limits: Pick<CopyLimits, "pseudonymiseMaxValues"> = copyLimits()): SetLimits {
  const values = limits.pseudonymiseMaxValues;
  return { values, chars: values * CHARS_PER_VALUE, valueBytes: MAX_VALUE_BYTES };
}

type Source = { table: string; expr: string };

/** How COPY text writes NULL: a value too long to read comes as one. */
const NULL_FIELD = "\\N";

/** The largest sets first: the sessions take them in this order, each the next one when it is free. */
const CONTRACT_SOURCES: Record<keyof RawProductionValues, readonly (readonly [string, string])[]> = {
  phones: [["company", "phone"], ["contact", "phone"], ["contact", "mobile"]],
  fullNames: [["associate", "full_name"], ["contact", "first_name || ' ' || last_name"]],
  firstNames: [["contact", "first_name"]],
  lastNames: [["contact", "last_name"]],
  companies: [["company", "name"]],
  // A company without a website is known by its e-mail domain (a quarter of the benchmark's companies).
  websites: [["company", "website"], ["company", "split_part(email, '@', 2)"]],
  orgNumbers: [["company", "org_number"]],
  addresses: [["company", "address"]],
};

/** The columns each of CONTRACT_SOURCES' expressions reads. */
const EXPRESSION_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  "first_name || ' ' || last_name": ["first_name", "last_name"],
  "split_part(email, '@', 2)": ["email"],
};

/**
 * The sets whose values repeat many times over (a thousand first names among 200,000
 * contacts): the server makes them distinct, and sends a thousand rows. The others are
 * nearly all different, and a DISTINCT of them would sort them on production.
 */
const REPEATING: ReadonlySet<keyof RawProductionValues> = new Set(["firstNames", "lastNames"]);

/** Each set as the refusal names it to the customer. */
const SET_LABEL: Record<keyof RawProductionValues, string> = {
  firstNames: "first names",
  lastNames: "last names",
  fullNames: "people's names",
  companies: "company names",
  websites: "websites and e-mail domains",
  phones: "phone numbers",
  addresses: "addresses",
  orgNumbers: "organisation numbers",
};

/** Operators' classified columns feed the set of their kind. */
const CLASSIFIED_SET: Partial<Record<PersonalKind, keyof RawProductionValues>> = { "person-name": "fullNames", phone: "phones", address: "addresses" };

function sources(tables: readonly RuleTable[], classification: Classification): Record<keyof RawProductionValues, Source[]> {
  const has = (table: string, column: string) => tables.some((t) => t.name === table && t.columns.some((c) => c.name === column));
  const out = Object.fromEntries(
    Object.entries(CONTRACT_SOURCES).map(([set, list]) => [
      set,
      // An expression is read where production has every column it names.
      list.filter(([t, c]) => (EXPRESSION_COLUMNS[c] ?? [c]).every((column) => has(t, column))).map(([t, c]) => ({ table: t, expr: c in EXPRESSION_COLUMNS ? c : quoteIdent(c) })),
    ]),
  ) as Record<keyof RawProductionValues, Source[]>;
  for (const t of tables) {
    for (const c of t.columns) {
      const kind = columnTreatment(classification, t.name, c.name) ? personalKind(classification, t.name, c.name) : undefined;
      const set = kind && CLASSIFIED_SET[kind];
      if (set) out[set].push({ table: t.name, expr: quoteIdent(c.name) });
    }
  }
  return out;
}

/** `sessions`: the snapshot's sessions to read on; each runs one statement at a time. */
export async function readProductionValues(
  sessions: readonly pg.ClientBase[],
  tables: readonly RuleTable[],
  classification: Classification,
  limits: Partial<SetLimits> = {},
): Promise<RawProductionValues> {
  const limit = { ...setLimits(), ...limits };
  const out: Record<string, Set<string>> = {};
  const queue = Object.entries(sources(tables, classification));
  await Promise.all(
    sessions.map(async (session) => {
      for (let next = queue.shift(); next; next = queue.shift()) out[next[0]] = await distinct(session, next[0] as keyof RawProductionValues, next[1], limit);
    }),
  );
  return out as unknown as RawProductionValues;
}

/**
 * The set's distinct values, made distinct here unless they repeat (REPEATING): a
 * DISTINCT of production's 280,000 phone numbers sorts them, four times the read's time
 * and production's CPU. The set never holds more than the limits; a value too long is
 * sent as NULL, never whole, and a set past its limits is read to its end unkept, so the
 * session is ready for its next statement.
 */
async function distinct(client: pg.ClientBase, set: keyof RawProductionValues, list: Source[], limit: SetLimits): Promise<Set<string>> {
  const values = new Set<string>();
  if (list.length === 0) return values;
  const union = list.map((s) => `SELECT (${s.expr})::text AS v FROM ${publicTable(s.table)}`).join(" UNION ALL ");
  const label = SET_LABEL[set];
  let refusal: SanitizationError | undefined;
  let chars = 0;
  // As COPY text: hundreds of thousands of phone numbers, where the driver's rows, an object each, cost more than the query.
  const value = `CASE WHEN octet_length(v) > ${Math.trunc(limit.valueBytes)} THEN NULL ELSE v END`;
  const sql = `COPY (SELECT ${REPEATING.has(set) ? "DISTINCT " : ""}${value} FROM (${union}) s WHERE v IS NOT NULL AND v <> '') TO STDOUT`;
  await forEachCopyLine(client, sql, `One of production's ${label}`, (line) => {
    if (refusal) return;
    if (line === NULL_FIELD) {
      refusal = cannotPseudonymise(`One of production's ${label} is longer than ${formatBytes(limit.valueBytes)}: too long to pseudonymise`);
      return;
    }
    const size = values.size;
    const decoded = decodeField(line);
    values.add(decoded);
    if (values.size > size) chars += decoded.length;
    const tooMany =
      values.size > limit.values
        ? `Production holds more than ${limit.values.toLocaleString("en")} different ${label}: too many to pseudonymise in one run.`
        : chars > limit.chars
          ? `Production's ${label} come to more than ${limit.chars.toLocaleString("en")} characters: too many to pseudonymise in one run.`
          : undefined;
    if (tooMany) refusal = new SanitizationError("COPY_FAILED", tooMany);
  });
  if (refusal) throw refusal;
  return values;
}
