/**
 * Rule 17's partial copy: which rows of each customer-record table a partial
 * sandbox holds, as SQL conditions over that table's own columns, evaluated on
 * production's side inside the copy's snapshot. No temporary table (a read-only
 * transaction may not create one, and the copy runs on several sessions sharing
 * one exported snapshot) and no row pulled into Node: each table's COPY SELECT
 * carries its own `WITH` of the sets it needs.
 *
 * The closure, over the foreign keys between record tables (read from production's
 * constraints, so the customer's own classified tables follow their parent rows):
 * - down: the chosen companies, then every row that references a row already down
 *   (their contacts, sales, tickets, the tickets' messages, their attachments…);
 * - up: every row that a copied row references, transitively (a sale's contact at
 *   another company brings that contact and its company, but not their dependants).
 * Configuration tables are copied whole and never need following.
 *
 * Identifiers are production's data: quoted. The sets are named by position (d0,
 * f3), never by a table name.
 */
import { SanitizationError } from "./errors";
import type { PartialShare } from "./options";
import { inIds, publicTable, quoteIdent, quoteLiteral, timestamptzLiteral } from "./sql";

/** One foreign key: `table (columns)` references `refTable (refColumns)`. */
export interface ForeignKeyEdge {
  table: string;
  columns: readonly string[];
  refTable: string;
  refColumns: readonly string[];
}

/** A table's share of rows: `WHERE where`, with `ctes` (a `WITH …` clause, or "") before the SELECT. */
export interface RowScope {
  ctes: string;
  where: string;
  /** The rows that belong to the chosen companies (down), for the dependants check; "false" for none. */
  members: string;
}

/**
 * A partial copy follows the foreign keys between at most this many tables, and this many
 * keys between them. Each table's statement names the sets of every table it reaches, so
 * the statements grow with the square of a chain of keys: 400 tables of 14 keys each wrote
 * 194 MB of SQL, for the worker to hold and production to parse. A CRM's own are some 15
 * tables and 30 keys; 100 tables of 9 keys each write 9 MB (`npm run bench:catalog`).
 */
export const CLOSURE_BOUNDS = { tables: 100, foreignKeys: 1_000 };

/** The contract fixes the root: companies. */
export const ROOT_TABLE = "company";

// Knuth's multiplicative hash, top bits: ids in sequence spread evenly over 0–99,
// so "10 %" is close to a tenth of any id range, and the same id always lands in
// the same bucket: a refresh with the same share takes the same companies.
const HASH_MULTIPLIER = 2654435761n;
const TWO_POW_32 = 4294967296n;

/** The bucket (0–99) of a company id, as the SQL below computes it. */
export function companyBucket(id: number): number {
  const hashed = (BigInt(id) * HASH_MULTIPLIER) & (TWO_POW_32 - 1n);
  return Number((hashed * 100n) / TWO_POW_32);
}

/** The chosen companies, as a condition over `company`'s columns. */
export function chosenCompanies(share: PartialShare): string {
  const id = quoteIdent("id");
  if (share.by === "percent") {
    if (!Number.isInteger(share.percent)) throw new Error(`not a whole percent: ${share.percent}`);
    return `(((${id}::bigint * ${HASH_MULTIPLIER}) & ${TWO_POW_32 - 1n}) * 100 / ${TWO_POW_32} < ${share.percent})`;
  }
  // Midnight UTC of the day: the same companies whatever the session's time zone.
  if (share.by === "since") return `(${quoteIdent("updated_at")} >= ${timestampOf(share.since)})`;
  return inIds(id, share.ids);
}

function timestampOf(day: string): string {
  const at = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(at.getTime())) throw new Error(`not a date: ${day}`);
  return timestamptzLiteral(at);
}

const tuple = (columns: readonly string[]) => (columns.length === 1 ? quoteIdent(columns[0]!) : `(${columns.map(quoteIdent).join(", ")})`);
const list = (columns: readonly string[]) => columns.map(quoteIdent).join(", ");
const unique = (columns: readonly string[]) => [...new Set(columns)];

/**
 * Rows of one table that copied rows elsewhere reference beyond the table's own
 * share (the closure's "up" part), read once per run (partial-pulled-in.ts): the
 * text of the one key column every such reference names. Given these, a table's
 * scope needs no look at its children's tables, which every statement touching it
 * would otherwise re-evaluate.
 */
export interface PulledIn {
  column: string;
  values: readonly string[];
}

/**
 * The keys of a table's down rows (the chosen companies' contacts, their tickets…),
 * read once per run before the copy (partial-down-keys.ts). The statements of the
 * tables below it then name them as a literal list instead of finding them again,
 * each with a scan of the whole table: production has no index on its foreign keys.
 */
export interface DownKeys {
  column: string;
  /** The key's integer type: the list is an array of it. */
  type: "int2" | "int4" | "int8";
  /** Each an integer's text. */
  values: readonly string[];
}

/**
 * Which rows of a table a plan copies when the copy takes the table in two parts:
 * its own share (the chosen companies' rows) with the other tables, then the rows
 * that copied rows pull in beyond it, once those rows are in (partial-pulled-in.ts).
 */
export type ClosurePart = "share" | "pulled in";

/**
 * The scope of every record table of a partial copy. `recordTables`: the tables
 * whose rows the copy takes (customer records the rules copy at all); foreign keys
 * from or to any other table are ignored (configuration tables come whole).
 * `pulledIn`: the up part already read for some tables; the others follow their
 * children's foreign keys in SQL. `parts`: the tables copied in two parts, and
 * which part each scope is for; the others' scope is all their rows in the copy.
 * `downKeys`: the down rows' keys already read for some tables; the others' are
 * found in SQL. `rowFilters`: a rule's condition on the rows of a table that it
 * copies at all (rule 9's documents from a date on), which the closure's sets of
 * that table meet too: a row the copy leaves out needs nothing, and brings nothing.
 */
export function buildPartialClosure(
  share: PartialShare,
  recordTables: ReadonlySet<string>,
  foreignKeys: readonly ForeignKeyEdge[],
  pulledIn: ReadonlyMap<string, PulledIn> = new Map(),
  parts: ReadonlyMap<string, ClosurePart> = new Map(),
  downKeys: ReadonlyMap<string, DownKeys> = new Map(),
  rowFilters: ReadonlyMap<string, string> = new Map(),
): Map<string, RowScope> {
  const graph = closureGraph(share, recordTables, foreignKeys, pulledIn, downKeys, rowFilters);
  const scopes = new Map<string, RowScope>();
  for (const t of graph.order) {
    const members = graph.downable.has(t) ? graph.downWhere(t) : "false";
    const part = parts.get(t);
    if (part === "share") {
      scopes.set(t, { ctes: graph.withClause(graph.downRoots(t)), where: members, members });
    } else if (part === "pulled in") {
      // The share is copied apart: whatever else names its rows, this part never copies one twice.
      const up = anyOf(graph.upWhere(t));
      const where = members === "false" ? up : `(${up} AND (${members}) IS NOT TRUE)`;
      scopes.set(t, { ctes: graph.withClause([...graph.downRoots(t), ...graph.upRoots(t)]), where, members: "false" });
    } else {
      scopes.set(t, { ctes: graph.withClause(graph.roots(t)), where: graph.finalWhere(t), members });
    }
  }
  return scopes;
}

/**
 * The closure's parts over the foreign keys between record tables: what each
 * table's scope, and the query reading the pulled-in rows, are written from.
 */
export function closureGraph(
  share: PartialShare,
  recordTables: ReadonlySet<string>,
  foreignKeys: readonly ForeignKeyEdge[],
  pulledIn: ReadonlyMap<string, PulledIn>,
  downKeys: ReadonlyMap<string, DownKeys> = new Map(),
  rowFilters: ReadonlyMap<string, string> = new Map(),
) {
  const edges = foreignKeys.filter((e) => recordTables.has(e.table) && recordTables.has(e.refTable));
  // The tables the keys join: one that no key joins adds nothing to any statement.
  const joined = new Set(edges.flatMap((e) => [e.table, e.refTable]));
  if (joined.size > CLOSURE_BOUNDS.tables || edges.length > CLOSURE_BOUNDS.foreignKeys) {
    throw new SanitizationError(
      "INVALID_OPTIONS",
      `A partial copy follows the foreign keys between at most ${CLOSURE_BOUNDS.tables} of production's customer tables and ${CLOSURE_BOUNDS.foreignKeys.toLocaleString("en")} keys between them; this copy would follow ${joined.size.toLocaleString("en")} tables and ${edges.length.toLocaleString("en")} keys. Choose a full or configuration-only copy, or leave some of production's own tables out.`,
      { tables: joined.size, foreignKeys: edges.length },
    );
  }
  // Each table's edges gathered once, in the edges' order: a production may hold thousands of
  // tables and 100,000 foreign keys (CATALOG_BOUNDS), and filtering them all for each table was their product.
  const parents = edgesBy(edges, (e) => e.table);
  const children = edgesBy(edges, (e) => e.refTable);
  const order = parentsFirst([...recordTables].sort(), parents, children);
  const index = new Map(order.map((t, i) => [t, i]));
  const parentsOf = (t: string) => parents.get(t) ?? [];
  const childrenOf = (t: string) => children.get(t) ?? [];

  // Down: the root, and whatever references a down row.
  const downable = new Set<string>();
  for (const t of order) if (t === ROOT_TABLE || parentsOf(t).some((e) => downable.has(e.refTable))) downable.add(t);
  const downEdges = (t: string) => parentsOf(t).filter((e) => downable.has(e.refTable));
  /** The parent's down keys, when read and the edge names them: the edge then needs no named set. */
  const readKeys = (e: ForeignKeyEdge) => {
    const read = downKeys.get(e.refTable);
    return read && e.refColumns.length === 1 && e.refColumns[0] === read.column ? read : undefined;
  };
  /** The down edges into `t` followed through a named set of the parent's down rows. */
  const downEdgesBySet = (t: string) => downEdges(t).filter((e) => !readKeys(e));

  // Up: the rows a copied child references. An edge adds nothing when the child's
  // only way in is that very edge and nothing pulls the child up: then every child
  // row it brings points at a parent row already down.
  const upEdges = new Map<string, ForeignKeyEdge[]>();
  const hasRows = (t: string) => downable.has(t) || (upEdges.get(t)?.length ?? 0) > 0;
  for (const t of [...order].reverse()) {
    upEdges.set(
      t,
      childrenOf(t).filter((e) => {
        if (!hasRows(e.table)) return false;
        const redundant = downable.has(t) && parentsOf(e.table).length === 1 && (upEdges.get(e.table)?.length ?? 0) === 0;
        return !redundant;
      }),
    );
  }
  // The up edges a table's condition follows in SQL: none once its pulled-in rows are read.
  const followedUp = (t: string) => (pulledIn.has(t) ? [] : (upEdges.get(t) ?? []));

  const dName = (t: string) => `d${index.get(t)}`;
  const fName = (t: string) => `f${index.get(t)}`;
  const downWhere = (t: string) =>
    t === ROOT_TABLE
      ? chosenCompanies(share)
      : anyOf(
          downEdges(t).map((e) => {
            const read = readKeys(e);
            return read ? `${quoteIdent(e.columns[0]!)} = ANY(${integerArray(read)})` : `${tuple(e.columns)} IN (SELECT ${list(e.refColumns)} FROM ${dName(e.refTable)})`;
          }),
        );
  const upWhere = (t: string) => {
    const read = pulledIn.get(t);
    if (read) return read.values.length ? [`${quoteIdent(read.column)}::text = ANY(${textArray(read.values)})`] : [];
    return followedUp(t).map((e) => `${tuple(e.refColumns)} IN (SELECT ${list(e.columns)} FROM ${fName(e.table)})`);
  };
  const finalWhere = (t: string) => anyOf([...(downable.has(t) ? [downWhere(t)] : []), ...upWhere(t)]);
  const upRoots = (t: string) => followedUp(t).map((e) => fName(e.table));
  const downRoots = (t: string) => (downable.has(t) ? downEdgesBySet(t).map((e) => dName(e.refTable)) : []);
  const roots = (t: string) => [...downRoots(t), ...upRoots(t)];
  /**
   * A condition with the rule's filter of `t`'s rows: the named sets hold only rows the copy
   * takes. A document left out by its date pulled in the company and contact it names.
   */
  const kept = (t: string, where: string) => {
    const filter = rowFilters.get(t);
    return filter ? `(${where}) AND (${filter})` : where;
  };

  // The named sets each condition reads, and the ones those read, in dependency order.
  const cteDefinitions = new Map<string, { deps: string[]; sql: () => string }>();
  const define = (name: string, deps: string[], sql: () => string) => cteDefinitions.set(name, { deps, sql: () => `${name} AS (${sql()})` });
  const pName = (t: string) => `p${index.get(t)}`;
  /** The columns of `t` that its parents' up edges read: what its copied set (f) holds. */
  const copiedColumns = (t: string) => unique(parentsOf(t).filter((e) => (upEdges.get(e.refTable) ?? []).includes(e)).flatMap((e) => e.columns));
  /** The columns of `t`'s down rows that its down children reference. */
  const downRefs = (t: string) => (downable.has(t) ? unique(childrenOf(t).filter((e) => downable.has(e.table)).flatMap((e) => e.refColumns)) : []);
  /** The one key column every up edge into `t` references, or null (none, or several). */
  const pullKey = (t: string) => {
    const keys = new Set((upEdges.get(t) ?? []).map((e) => (e.refColumns.length === 1 ? e.refColumns[0]! : "")));
    const [key] = keys;
    return keys.size === 1 && key ? key : null;
  };
  // A table rows are pulled into by one key gets a named set of those keys (p): the keys
  // its copied children name, less its own down rows' keys, from named sets alone. Its
  // copied set is then its down rows and the rows of those keys, found through the key's
  // unique index, not by a second look at every row of the table (on ten million rows,
  // a quarter of the closure statement).
  const pulledAsSet = (t: string) => !pulledIn.has(t) && pullKey(t) !== null;
  for (const t of order) {
    if (!downable.has(t)) continue;
    const columns = unique([...downRefs(t), ...(pulledAsSet(t) ? [pullKey(t)!, ...copiedColumns(t)] : [])]);
    if (columns.length === 0) continue;
    define(dName(t), downRoots(t), () => `SELECT ${list(columns)} FROM ${publicTable(t)} WHERE ${kept(t, downWhere(t))}`);
  }
  for (const t of [...order].reverse()) {
    if (pulledAsSet(t)) {
      const key = pullKey(t)!;
      const named = (upEdges.get(t) ?? []).map((e) => `SELECT ${quoteIdent(e.columns[0]!)} AS k FROM ${fName(e.table)}`).join(" UNION ");
      const down = downable.has(t) ? [dName(t)] : [];
      define(pName(t), [...upRoots(t), ...down], () => (down.length ? `(${named}) EXCEPT SELECT ${quoteIdent(key)} FROM ${down[0]}` : named));
    }
    const cols = copiedColumns(t);
    if (cols.length === 0) continue;
    if (pulledAsSet(t)) {
      const byKey = `SELECT ${list(cols)} FROM ${publicTable(t)} WHERE ${kept(t, `${quoteIdent(pullKey(t)!)} IN (SELECT k FROM ${pName(t)})`)}`;
      const down = downable.has(t) ? [dName(t)] : [];
      define(fName(t), [...down, pName(t)], () => (down.length ? `SELECT ${list(cols)} FROM ${down[0]} UNION ALL ${byKey}` : byKey));
    } else {
      define(fName(t), roots(t), () => `SELECT ${list(cols)} FROM ${publicTable(t)} WHERE ${kept(t, finalWhere(t))}`);
    }
  }
  /** One `WITH` holding the named sets that `names` read, each once. */
  const withClause = (names: string[]) => {
    // Depth first, each set after the ones it reads, without recursion: a chain of foreign keys
    // thousands of tables long overflowed the stack.
    const needed = new Set<string>();
    const entered = new Set<string>();
    const stack = [...names].reverse().map((name) => ({ name, leaving: false }));
    while (stack.length) {
      const { name, leaving } = stack.pop()!;
      if (leaving) {
        needed.add(name);
        continue;
      }
      if (entered.has(name)) continue;
      entered.add(name);
      stack.push({ name, leaving: true });
      const deps = cteDefinitions.get(name)?.deps ?? [];
      for (let i = deps.length - 1; i >= 0; i--) if (!entered.has(deps[i]!)) stack.push({ name: deps[i]!, leaving: false });
    }
    return needed.size ? `WITH ${[...needed].map((n) => cteDefinitions.get(n)!.sql()).join(", ")} ` : "";
  };
  /** The named set of the keys rows are pulled into `t` by, and its key column; null when `t` has none. */
  const pulledSet = (t: string) => (pulledAsSet(t) ? { name: pName(t), column: pullKey(t)! } : null);
  /**
   * The key column every down child of `t` names, when one and integer (`typeOf`):
   * what a run may read once as `t`'s down keys (partial-down-keys.ts); null otherwise.
   */
  const downKeyColumn = (t: string, typeOf: (table: string, column: string) => DownKeys["type"] | null) => {
    const refs = downRefs(t);
    return refs.length === 1 && childrenOf(t).every((e) => !downable.has(e.table) || e.refColumns.length === 1) && typeOf(t, refs[0]!) ? refs[0]! : null;
  };
  return { order, downable, upEdges, downWhere, upWhere, finalWhere, roots, downRoots, upRoots, withClause, pulledSet, dName, downKeyColumn };
}

/**
 * An integer array literal; every value is checked to be an integer's text, since they
 * come from production. Written once per list: every statement below the table names
 * the same string (tens of thousands of keys, repeated in each table's scope).
 */
function integerArray(keys: DownKeys): string {
  let literal = integerArrays.get(keys);
  if (literal === undefined) {
    for (const v of keys.values) if (!/^-?\d{1,19}$/.test(v)) throw new Error(`not an integer key: ${v.slice(0, 40)}`);
    literal = `'{${keys.values.join(",")}}'::${keys.type}[]`;
    integerArrays.set(keys, literal);
  }
  return literal;
}
const integerArrays = new WeakMap<DownKeys, string>();

/** A `text[]` literal of values (array syntax: each element double-quoted, `"` and `\` escaped). */
function textArray(values: readonly string[]): string {
  return `${quoteLiteral(`{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`)}::text[]`;
}

const anyOf = (conditions: string[]) => (conditions.length === 0 ? "false" : conditions.length === 1 ? conditions[0]! : `(${conditions.join(" OR ")})`);

/**
 * The record tables in an order where every parent comes before its children. A
 * cycle (a table referencing itself, or two referencing each other) has no such
 * order: the closure cannot be written without recursion, so a partial copy is
 * refused, in plain words, rather than copied with a foreign key that may dangle.
 */
function parentsFirst(tables: string[], parents: ReadonlyMap<string, ForeignKeyEdge[]>, children: ReadonlyMap<string, ForeignKeyEdge[]>): string[] {
  // Round by round, as the tables are given: each round takes every table whose parents all
  // came in earlier rounds. Each table counts its parents' edges still to come, and each edge
  // is counted down once, when its parent comes: time in the tables and edges, not their product.
  // (The edges are those between `tables`: closureGraph keeps no other.)
  const position = new Map(tables.map((t, i) => [t, i]));
  const waitingFor = new Map(tables.map((t) => [t, parents.get(t)?.length ?? 0]));
  const done: string[] = [];
  let ready = tables.filter((t) => waitingFor.get(t) === 0);
  while (ready.length) {
    done.push(...ready);
    const next: string[] = [];
    for (const t of ready) {
      for (const e of children.get(t) ?? []) {
        const left = waitingFor.get(e.table)! - 1;
        waitingFor.set(e.table, left);
        if (left === 0) next.push(e.table);
      }
    }
    ready = next.sort((a, b) => position.get(a)! - position.get(b)!);
  }
  if (done.length < tables.length) {
    const placed = new Set(done);
    const inCycle = tables.filter((t) => !placed.has(t));
    throw new SanitizationError(
      "INVALID_OPTIONS",
      `A partial copy cannot follow the foreign keys between these tables, which refer to each other in a circle: ${[...inCycle].sort().join(", ")}. Choose a full or configuration-only copy.`,
      { tables: inCycle },
    );
  }
  return done;
}

/** The edges of each table, by `key`, in the edges' order. */
function edgesBy(edges: readonly ForeignKeyEdge[], key: (e: ForeignKeyEdge) => string): Map<string, ForeignKeyEdge[]> {
  const by = new Map<string, ForeignKeyEdge[]>();
  for (const e of edges) {
    const list = by.get(key(e));
    if (list) list.push(e);
    else by.set(key(e), [e]);
  }
  return by;
}
