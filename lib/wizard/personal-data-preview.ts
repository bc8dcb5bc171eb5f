/**
 * The review's dry run for rule 18: how many people, companies and free-text fields
 * the pseudonymised copy changes, with three before → after examples drawn with the
 * sandbox's own secret (so they are what the copy will hold). Counted on production,
 * read-only. Free text is judged on a bounded sample of each column the copy fills
 * (the first values the server returns, each up to SAMPLED_CHARS), scaled to the
 * column's size (the whole table's, also for a partial copy): scrubbing every message of
 * a large production would make the review slow, so beyond the sample the figure is an
 * estimate.
 */
import type pg from "pg";
import { AppError } from "../errors";
import type { Classification } from "../sanitizer/classification";
import { readPersonalData } from "../sanitizer/pseudonyms/read-personal-data";
import type { TablePlan } from "../sanitizer/copy-plan";
import type { RuleTable } from "../sanitizer/rules/rule";
import { publicTable, quoteIdent } from "../sanitizer/sql";

/** Values judged per free-text column. */
const FREE_TEXT_SAMPLE = 1_000;
/**
 * Characters judged of each sampled value: production's values are as long as it makes
 * them (up to 1 GB), and a thousand whole message bodies could be more than the
 * portal's memory. A name past this point is not counted.
 */
const SAMPLED_CHARS = 16 * 1024;
const EXAMPLE_LENGTH = 100;

export interface PersonalDataPreview {
  people: number;
  companies: number;
  /** Free-text fields with a name, address or number replaced; estimated from samples when `estimated`; null when not previewed. */
  freeTextFields: number | null;
  estimated: boolean;
  examples: { before: string; after: string }[];
  /** Why there is no free-text figure and no example, in the customer's words: the preview could not be made (the copy may still be). */
  unavailable?: string;
}

/** The preview could not be made (too large, too slow, too many asked for at once): the review shows the rest, and says why. */
export class PreviewUnavailable extends AppError {
  constructor(message: string) {
    super("PRODUCTION_REFUSED", message);
  }
}

/** The preview as the review shows it when it could not be made: what the dry run counted, and why the rest is missing. */
export function unavailablePreview(counted: PreviewInput["counted"], why: PreviewUnavailable): PersonalDataPreview {
  return { ...counted, freeTextFields: null, estimated: false, examples: [], unavailable: why.userMessage };
}

/** What the preview reads production by: all of it plain data, so it can be sent to a process of its own (preview-apart.ts). */
export interface PreviewInput {
  tables: readonly RuleTable[];
  /** The free-text columns the copy fills: of the tables it copies rows of. */
  freeText: readonly FreeTextColumn[];
  classification: Classification;
  secret: string;
  invalidationDomain: string;
  /** People and companies changed: counted with the dry run's other figures. */
  counted: { people: number; companies: number };
}

export interface FreeTextColumn {
  table: string;
  column: string;
}

/** Makes the preview on a production session: in this process (previewPersonalData), or in one of its own (preview-apart.ts). */
export type PersonalDataPreviewer = (client: pg.ClientBase, input: PreviewInput) => Promise<PersonalDataPreview>;

/** The copy's free-text columns, by its plans. */
export function freeTextColumnsOf(plans: readonly TablePlan[]): FreeTextColumn[] {
  return plans.filter((p) => p.select !== null).flatMap((p) => p.personal.filter((c) => c.kind === "free-text").map((c) => ({ table: p.table, column: c.column })));
}

export async function previewPersonalData(client: pg.ClientBase, input: PreviewInput): Promise<PersonalDataPreview> {
  const { tables, classification, secret, invalidationDomain, counted } = input;
  const personal = await readPersonalData([client], tables, classification, secret, invalidationDomain);
  const examples: { before: string; after: string }[] = [];
  const { rows: [first] = [] } = await client.query<{ person: string | null; company: string | null }>(
    // Cut on production and clipped here: a name written since the values were read was never measured.
    `SELECT (SELECT left(first_name || ' ' || last_name, ${EXAMPLE_SOURCE_CHARS}) FROM public.contact ORDER BY id LIMIT 1) AS person,
            (SELECT left(name, ${EXAMPLE_SOURCE_CHARS}) FROM public.company ORDER BY id LIMIT 1) AS company`,
  );
  if (first?.person) examples.push({ before: clip(first.person), after: clip(personal.rewrite("person-name", first.person)) });
  if (first?.company) examples.push({ before: clip(first.company), after: clip(personal.rewrite("company-name", first.company)) });

  let freeTextFields = 0;
  let estimated = false;
  for (const { table, column } of input.freeText) {
    const c = quoteIdent(column);
    const filled = `${c} IS NOT NULL AND ${c}::text <> ''`;
    const { rows } = await client.query<{ v: string; total: string }>(
      `SELECT s.v, (SELECT count(*) FROM ${publicTable(table)} WHERE ${filled})::text AS total
         FROM (SELECT left(${c}::text, ${SAMPLED_CHARS}) AS v FROM ${publicTable(table)} WHERE ${filled} LIMIT ${FREE_TEXT_SAMPLE}) s`,
    );
    if (rows.length === 0) continue;
    const changed = rows.filter((r) => {
      const after = personal.rewrite("free-text", r.v);
      if (after === r.v) return false;
      if (examples.length < 3) examples.push({ before: clip(r.v), after: clip(after) });
      return true;
    }).length;
    const total = Number(rows[0]!.total);
    if (total > rows.length) estimated = true;
    freeTextFields += Math.round((changed / rows.length) * total);
  }
  return { ...counted, freeTextFields, estimated, examples: examples.slice(0, 3) };
}

/** The most of a person's or company's name read for an example: far more than any name. */
const EXAMPLE_SOURCE_CHARS = 1024;
const clip = (text: string) => (text.length > EXAMPLE_LENGTH ? `${text.slice(0, EXAMPLE_LENGTH - 1)}…` : text);
