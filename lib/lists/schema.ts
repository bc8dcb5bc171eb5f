/**
 * The URL vocabulary every list shares (the audit log, Sandboxes, Orders, Customers):
 * optional text and day filters, a sort written `name` or `-name` (descending), and the
 * `after` / `before` page cursors. Isomorphic (zod only).
 *
 * The lists other than the audit log are lenient: a value that does not parse is
 * dropped and its default used, one parameter at a time, so a damaged or hand-edited
 * link still shows a list (never a 500, never an error page).
 */
import { z } from "zod";
import { decodeCursor, type Cursor, type SortSpec } from "./cursor";

export const utcDay = (label: string) =>
  z.string().transform((value, ctx): Date => {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00.000Z`) : null;
    // new Date("2026-02-31") rolls over: a real day prints back as itself.
    if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) {
      ctx.addIssue({ code: "custom", message: `“${label}” must be a day written as YYYY-MM-DD (UTC), such as 2026-11-30.` });
      return z.NEVER;
    }
    return day;
  });

export const searchText = (label: string) =>
  z
    .string()
    .trim()
    .max(200, `“${label}” can be at most 200 characters.`)
    // PostgreSQL compares no text holding a NUL: the search failed as a 500.
    .refine((v) => !v.includes("\u0000"), `“${label}” cannot hold the NUL character (U+0000).`);

/** An empty form field is no filter: `?who=&action=` means everything. A repeated parameter counts once. */
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (Array.isArray(v) ? v[0] : v) || undefined, schema.optional());

/** Optional, and a value that does not parse is no filter rather than an error. */
export const lenient = <T extends z.ZodType>(schema: T) => optional(schema).catch(undefined);

/**
 * Every row of the portal's is from within these days: a day filter is held to them, as
 * PostgreSQL has no year 0 (`from=0000-01-01` failed as a 500) and JavaScript writes a
 * day after 9999 in a form PostgreSQL does not read.
 */
const FIRST_DAY = Date.UTC(1970, 0, 1);
const LAST_DAY = Date.UTC(9000, 0, 1);
const withinDays = (ms: number) => new Date(Math.min(LAST_DAY, Math.max(FIRST_DAY, ms)));

/** From the start of `from`'s UTC day up to the end of `to`'s: the date filter every list offers. */
export function dayRange(from: Date | undefined, to: Date | undefined): { gte?: Date; lt?: Date } | undefined {
  if (!from && !to) return undefined;
  return { ...(from ? { gte: withinDays(from.getTime()) } : {}), ...(to ? { lt: withinDays(to.getTime() + 86_400_000) } : {}) };
}

export type SortDirection = "asc" | "desc";

export interface ListSort<K extends string> {
  key: K;
  dir: SortDirection;
}

export interface ListPosition {
  /** The page after this cursor (the "Next" link), or before it (the "Previous" link); at most one. */
  after?: Cursor;
  before?: Cursor;
}

/** `name` ascending, `-name` descending: the spellings a sort select offers. */
export const sortParam = <K extends string>(sort: ListSort<K>): string => `${sort.dir === "desc" ? "-" : ""}${sort.key}`;

/**
 * A list's URL schema: its filters (each lenient), its sort (one of `sorts`, else
 * `defaultSort`) and its page cursor, read for that sort's column. A cursor made for
 * another sort, or damaged, starts the list from its first page.
 */
export function listQuerySchema<F extends z.ZodRawShape, K extends string>(filters: F, sorts: Record<K, SortSpec>, defaultSort: ListSort<NoInfer<K>>) {
  const keys = Object.keys(sorts) as K[];
  const sort = z
    .preprocess(
      (v) => (Array.isArray(v) ? v[0] : v),
      z.string().transform((value, ctx): ListSort<K> => {
        const key = value.replace(/^-/, "") as K;
        if (!keys.includes(key)) {
          ctx.addIssue({ code: "custom", message: "Unknown sort" });
          return z.NEVER;
        }
        return { key, dir: value.startsWith("-") ? "desc" : "asc" };
      }),
    )
    .catch(defaultSort);
  const cursorText = lenient(z.string().max(2000));
  return z
    .object({ ...filters, sort, after: cursorText, before: cursorText })
    .transform((parsed): z.output<z.ZodObject<F>> & { sort: ListSort<K> } & ListPosition => {
      const { after, before, ...rest } = parsed as z.output<z.ZodObject<F>> & { sort: ListSort<K>; after?: string; before?: string };
      const spec = sorts[rest.sort.key];
      const position: ListPosition = {};
      // Both at once is no link the page makes: start from the first page.
      if (after && !before) position.after = decodeCursor(after, spec) ?? undefined;
      if (before && !after) position.before = decodeCursor(before, spec) ?? undefined;
      return { ...(rest as z.output<z.ZodObject<F>> & { sort: ListSort<K> }), ...position };
    });
}

export type RawSearchParams = Record<string, string | string[] | undefined>;

/** The first value of each of `keys` that is set, for links that keep a list's state. */
export function keptParams(raw: RawSearchParams, keys: readonly string[]): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of keys) {
    const value = raw[key];
    const first = Array.isArray(value) ? value[0] : value;
    if (first?.trim()) params.set(key, first.trim());
  }
  return params;
}

/**
 * A list's state for its links (filters as typed, and the sort unless it is the
 * default), without the page cursor: only the parameters that parsed, so a junk
 * value is not carried from link to link.
 */
export function listState<K extends string, Q extends { sort: ListSort<K> }>(raw: RawSearchParams, query: Q, keys: readonly (keyof Q & string)[], defaultSort: ListSort<NoInfer<K>>): URLSearchParams {
  const state = keptParams(raw, keys.filter((key) => query[key] !== undefined));
  if (sortParam(query.sort) !== sortParam(defaultSort)) state.set("sort", sortParam(query.sort));
  return state;
}

/** `path?state&extra`, or `path` alone when there is nothing to say. */
export function listHref(path: string, state: URLSearchParams, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams([...state, ...Object.entries(extra)]).toString();
  return params ? `${path}?${params}` : path;
}

/** A page's "Previous" and "Next" links: the list's state with the page's cursor. */
export const pageLinks = (path: string, state: URLSearchParams, page: { previous: string | null; next: string | null }) => ({
  previous: page.previous ? listHref(path, state, { before: page.previous }) : null,
  next: page.next ? listHref(path, state, { after: page.next }) : null,
});

/** The sort select's choices: each column ascending, then descending. */
export const sortOptions = (sorts: Record<string, SortSpec>) =>
  Object.entries(sorts).flatMap(([key, spec]) => [
    { value: key, label: spec.labels[0] },
    { value: `-${key}`, label: spec.labels[1] },
  ]);
