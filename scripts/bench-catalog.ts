/**
 * npm run bench:catalog
 *
 * How long the portal's own thread spends planning a copy of a catalog as large as it
 * reads (CATALOG_BOUNDS): thousands of tables holding 200,000 columns, identity
 * sequences, 100,000 constraints and 20,000 other objects, every one classified (a
 * tenant's choices). The plan runs on the worker's thread for every copy, and the
 * schema review on the web server's for every view of it, so this time is every
 * other tenant's wait too: it must stay a fraction of a second, growing with the
 * catalog, never with its square. A partial copy also orders the tables its foreign
 * keys join, parents first, and writes each one's statement, which names the sets of
 * every table it reaches: at its bounds (CLOSURE_BOUNDS), every table referencing the
 * companies and the 9 tables before it.
 */
import { performance } from "node:perf_hooks";
import { objectTreatment, type Classification } from "../lib/sanitizer/classification";
import { buildPartialClosure, CLOSURE_BOUNDS, ROOT_TABLE, type ForeignKeyEdge } from "../lib/sanitizer/partial-closure";
import { CATALOG_BOUNDS, type SourceSchema } from "../lib/sanitizer/schema-reader";
import { planSchema } from "../lib/sanitizer/schema-plan";

const TABLES = Math.floor(CATALOG_BOUNDS.objects / 3); // each table is three objects: itself and its two types
const COLUMNS_PER_TABLE = Math.floor(CATALOG_BOUNDS.columns / TABLES);
const CONSTRAINTS = CATALOG_BOUNDS.constraints;
const OTHER_OBJECTS = CATALOG_BOUNDS.objects;

const column = (c: number) => ({
  name: `c${c}`,
  type: "integer",
  typeLabel: "integer",
  enumType: null,
  notNull: false,
  identity: c === 0 ? ("a" as const) : ("" as const),
  serialSequence: null,
  otherDefault: false,
  generated: false,
  collation: null,
});
const tables = Array.from({ length: TABLES }, (_v, t) => ({ name: `t${t}`, estimatedRows: 0, bytes: 0, indexBytes: 0, columns: Array.from({ length: COLUMNS_PER_TABLE }, (_w, c) => column(c)) }));
const sequences = tables.map((t) => ({
  name: `${t.name}_c0_seq`,
  dataType: "bigint",
  ...{ start: "1", increment: "1", min: "1", max: "9223372036854775807", cache: "1", cycle: false },
  ownedBy: { table: t.name, column: "c0" },
  identity: true,
  lastValue: null,
  ownedMax: null,
}));
const constraints = Array.from({ length: CONSTRAINTS }, (_v, k) => ({
  table: `t${k % TABLES}`,
  name: `k${k}`,
  kind: "c" as const,
  columns: ["c1"],
  ...{ deferrable: false, validated: true, noInherit: false, nullsNotDistinct: false, period: false, foreignKey: null, domain: null },
}));
const objects = Array.from({ length: OTHER_OBJECTS }, (_v, o) => ({ kind: "trigger" as const, table: `t${o % TABLES}`, name: `o${o}` }));
const schema: SourceSchema = { enums: [], tables, constraints, indexes: [], sequences, objects, databaseBytes: 0 };
const classification: Classification = {
  columns: {},
  tables: Object.fromEntries(tables.map((t) => [t.name, "copy" as const])),
  objects: [...constraints.map((k) => ({ kind: "check constraint" as const, table: k.table, name: k.name, treatment: "copy" as const })), ...objects.map((o) => ({ ...o, treatment: "leave-out" as const }))],
};

function timed(what: string, work: () => void): void {
  const started = performance.now();
  work();
  console.log(`${what.padEnd(52)} ${Math.round(performance.now() - started).toLocaleString("en").padStart(7)} ms`);
}

console.log(`catalog: ${TABLES.toLocaleString("en")} tables, ${(TABLES * COLUMNS_PER_TABLE).toLocaleString("en")} columns, ${sequences.length.toLocaleString("en")} sequences, ${CONSTRAINTS.toLocaleString("en")} constraints, ${OTHER_OBJECTS.toLocaleString("en")} other objects, all classified`);
timed("plan the copy's schema (planSchema)", () => planSchema(schema, classification));
timed("look up every object's treatment", () => {
  for (const o of objects) objectTreatment(classification, o);
});

const PARENTS_PER_TABLE = 9;
const fk = (table: string, column: string, refTable: string): ForeignKeyEdge => ({ table, columns: [column], refTable, refColumns: ["id"] });
const closed = tables.slice(0, CLOSURE_BOUNDS.tables - 1);
const edges = closed.flatMap((t, i) => [
  fk(t.name, "company_id", ROOT_TABLE),
  ...Array.from({ length: Math.min(i, PARENTS_PER_TABLE) }, (_v, back) => fk(t.name, `parent${back}_id`, `t${i - back - 1}`)),
]);
let sqlBytes = 0;
timed(`a partial copy's statements (${closed.length + 1} tables, ${edges.length} keys)`, () => {
  const scopes = buildPartialClosure({ by: "percent", percent: 10 }, new Set([ROOT_TABLE, ...closed.map((t) => t.name)]), edges);
  for (const scope of scopes.values()) sqlBytes += scope.ctes.length + scope.where.length;
});
console.log(`${"  their SQL".padEnd(52)} ${(sqlBytes / 1024 / 1024).toFixed(1).padStart(7)} MB`);
