/**
 * How a classification treats a production table or column, read for its own keys
 * ("constructor" is a table name like any other). Apart from classification.ts, which
 * reads classification files: rule 2's module and the personal-data kinds import these
 * too, and the wizard's browser bundle imports them.
 */
import { ownValue } from "../lookup-table";
import type { Classification, ColumnTreatment, TableTreatment } from "./classification";

export function columnTreatment(c: Pick<Classification, "columns">, table: string, column: string): ColumnTreatment | undefined {
  return ownValue(c.columns, `${table}.${column}`);
}

export function tableTreatment(c: Pick<Classification, "tables">, table: string): TableTreatment | undefined {
  return ownValue(c.tables, table);
}
