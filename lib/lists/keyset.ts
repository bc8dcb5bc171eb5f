/**
 * Keyset paging for any list sorted by one column, the row id breaking ties: a page
 * reads "the rows past this (value, id)" in sort order, so page 200 costs what page 1
 * does, and rows written meanwhile neither repeat nor go missing. Going back reads the
 * other way from the first row shown and turns the rows round.
 *
 * Empty values (a sandbox never refreshed) sort last in either direction, so the
 * reading order is (column, nulls last, id) forwards and its exact mirror backwards.
 */
import { encodeCursor, type Cursor, type CursorValue, type SortSpec } from "./cursor";
import type { PrismaClient } from "../generated/portal/client";
import type { ListPosition, ListSort, SortDirection } from "./schema";

export const LIST_PAGE_SIZE = 50;

export interface ListOptions {
  pageSize?: number;
  /** Another client than the app's (the EXPLAIN bench logs its queries). */
  client?: PrismaClient;
}

/** One read of a page: from which row, which way, and how many rows. */
export interface KeysetRead {
  cursor: Cursor | undefined;
  /** Reading towards the start of the list (the "Previous" link): the sort order turned round. */
  backward: boolean;
  take: number;
}

export interface KeysetPage<Row> {
  rows: Row[];
  /** Where the "Next" and "Previous" links start, or null where there is nothing more that way. */
  next: string | null;
  previous: string | null;
}

/** One page at `position`: one row more than the page is read, which tells whether there is a further page that way. */
export async function readKeysetPage<Row extends { id: string }>(
  position: ListPosition,
  pageSize: number,
  spec: SortSpec,
  read: (request: KeysetRead) => Promise<Row[]>,
): Promise<KeysetPage<Row>> {
  const backward = Boolean(position.before);
  const rows = await read({ cursor: position.before ?? position.after, backward, take: pageSize + 1 });
  const more = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  if (backward) page.reverse();
  // Each row carries its sort column under the spec's field.
  const at = (row: Row | undefined) => (row ? encodeCursor({ value: (row as Record<string, unknown>)[spec.field] as CursorValue, id: row.id }) : null);
  return {
    rows: page,
    next: backward || more ? at(page.at(-1)) : null,
    previous: backward ? (more ? at(page[0]) : null) : position.after ? at(page[0]) : null,
  };
}

export const reverseOf = (dir: SortDirection): SortDirection => (dir === "asc" ? "desc" : "asc");

type Comparison = "gt" | "lt" | "gte" | "lte";

/** A Prisma filter on the column; an enum has no gt/lt in Prisma, so it is the set of values on that side. */
function compared(spec: SortSpec, op: Comparison, value: Exclude<CursorValue, null>): unknown {
  if (spec.kind !== "enum") return { [op]: value };
  const values = spec.values ?? [];
  const at = values.indexOf(String(value));
  const side = { gt: values.slice(at + 1), gte: values.slice(at), lt: values.slice(0, at), lte: values.slice(0, at + 1) }[op];
  return { in: [...side] };
}

/**
 * The Prisma `where` (rows past the cursor) and `orderBy` of one read, for a model
 * with an `id` column. Untyped on purpose (the field is the sort's): each caller casts
 * to its model's input types.
 */
export function prismaKeyset(spec: SortSpec, sort: ListSort<string>, { cursor, backward }: KeysetRead): { where: object; orderBy: object[] } {
  const dir = backward ? reverseOf(sort.dir) : sort.dir;
  const nulls = backward ? "first" : "last";
  const { field } = spec;
  const orderBy = [{ [field]: spec.nullable ? { sort: dir, nulls } : dir }, { id: dir }];
  if (!cursor) return { where: {}, orderBy };
  const [past, pastOrAt] = dir === "asc" ? (["gt", "gte"] as const) : (["lt", "lte"] as const);
  const tieBroken = { id: { [past]: cursor.id } };
  if (cursor.value === null) {
    const emptyPast = { [field]: null, ...tieBroken };
    return { where: nulls === "last" ? emptyPast : { OR: [emptyPast, { [field]: { not: null } }] }, orderBy };
  }
  const value = cursor.value;
  const where = { OR: [{ [field]: compared(spec, past, value) }, { [field]: value, ...tieBroken }, ...(spec.nullable && nulls === "last" ? [{ [field]: null }] : [])] };
  // The redundant bound on the column alone lets PostgreSQL start an index scan at the
  // cursor (it derives none from the OR); with empty values still to come it cannot hold.
  return { where: spec.nullable && nulls === "last" ? where : { AND: [{ [field]: compared(spec, pastOrAt, value) }, where] }, orderBy };
}
