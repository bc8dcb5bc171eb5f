/**
 * One run's pseudonymisation (rule 18): production's personal values read in the
 * snapshot, the pseudonyms and the scrubber built from them once, and a rewriting
 * stream for each table that has personal columns. Tables without any are copied
 * untouched.
 */
import type { PersonalColumn, PersonalKind } from "./columns";
import { fieldResultsFor } from "./field-results";
import { MAX_VALUE_BYTES } from "./read-values";
import { Pseudonymiser } from "./pseudonymiser";
import { RewriteStream, type CopyFormat } from "./rewrite-stream";
import { Scrubber } from "./scrubber";
import type { ProductionValues, RawProductionValues } from "./values";

/** What the report counts a rewritten value under (rule 18's change keys). */
const CHANGE_GROUP: Record<PersonalKind, string> = {
  "person-name": "names",
  username: "names",
  email: "e-mail addresses",
  "company-name": "companies",
  "org-number": "companies",
  website: "companies",
  phone: "phone numbers",
  address: "addresses",
  city: "addresses",
  "job-title": "job titles",
  "free-text": "free text",
};

export class PersonalData {
  readonly scrubber: Scrubber;

  private constructor(
    readonly production: ProductionValues,
    raw: Pick<RawProductionValues, "companies" | "addresses">,
    readonly pseudonyms: Pseudonymiser,
  ) {
    this.scrubber = new Scrubber(pseudonyms, production, raw);
  }

  /** A run's pseudonyms and scrubber, built without holding the event loop (Pseudonymiser.build). */
  static async build(production: ProductionValues, raw: Pick<RawProductionValues, "companies" | "addresses">, secret: string, invalidationDomain: string): Promise<PersonalData> {
    return new PersonalData(production, raw, await Pseudonymiser.build(secret, production, invalidationDomain));
  }

  rewrite(kind: PersonalKind, value: string): string {
    const p = this.pseudonyms;
    switch (kind) {
      case "person-name":
        return p.personName(value);
      case "username":
        return p.username(value);
      case "email":
        return p.email(value);
      case "company-name":
        return p.companyName(value);
      case "org-number":
        return p.orgNumber(value);
      case "phone":
        return p.phone(value);
      case "website":
        return p.website(value);
      case "address":
        return p.street(value);
      case "city":
        return p.city(value);
      case "job-title":
        return p.jobTitle(value);
      case "free-text":
        return this.scrubber.scrub(value);
    }
  }

  /** The stream that rewrites a table's personal columns in the copy's `format`, or undefined for a table with none. */
  streamFor(table: string, columns: readonly PersonalColumn[], format: CopyFormat = "text"): RewriteStream | undefined {
    if (columns.length === 0) return undefined;
    // A column's values repeat (a first name in hundreds of rows, a subject in dozens):
    // each column keeps its rewritten fields while they repeat enough to pay.
    return new RewriteStream(
      table,
      columns.map((c) => ({
        index: c.index,
        column: c.column,
        key: CHANGE_GROUP[c.kind],
        rewrite: (value: string) => this.rewrite(c.kind, value),
        results: fieldResultsFor(c.kind),
        // Free text may be long, and grows only so far (copy-rows.ts); the rest are values of the kinds production's sets were read in, up to their bound.
        ...(c.kind === "free-text" ? {} : { maxValueBytes: MAX_VALUE_BYTES }),
      })),
      format,
    );
  }
}
