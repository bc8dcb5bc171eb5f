/**
 * How a classification treats a production table or column, read for its own keys
 * ("constructor" is a table name like any other). Apart from classification.ts, which
 * reads classification files: rule 2's module and the personal-data kinds import these
 * too, and the wizard's browser bundle imports them.
 */
import { ownValue } from "../lookup-table";

/** A classification's treatment of `table.column` (its type is the classification's: this module names none, and imports none of it). */
export function columnTreatment<T>(c: { columns: Readonly<Record<string, T>> }, table: string, column: string): T | undefined {
  return ownValue(c.columns, `${table}.${column}`);
}

export function tableTreatment<T>(c: { tables: Readonly<Record<string, T>> }, table: string): T | undefined {
  return ownValue(c.tables, table);
}
