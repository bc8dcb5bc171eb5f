/**
 * SQL text helpers. `COPY (SELECT ...) TO STDOUT` takes no bind parameters, so the
 * values that sanitizing SELECTs need (the invalidation domain, the snapshot time,
 * chosen ids) are inlined as literals; every one goes through these functions.
 */
import { quoteIdent } from "../db/urls";

export { quoteIdent };

/**
 * A table of production's `public` schema. Sessions on production run with
 * `search_path = pg_catalog, pg_temp` (lib/crm/read-only.ts), so every table is
 * named with its schema and nothing production defines can shadow a built-in.
 */
export function publicTable(name: string): string {
  return `public.${quoteIdent(name)}`;
}

/** A string literal, safe whatever standard_conforming_strings says (same as pg's escapeLiteral). */
export function quoteLiteral(value: string): string {
  let hasBackslash = false;
  let escaped = "'";
  for (const c of value) {
    if (c === "'") escaped += "''";
    else if (c === "\\") {
      escaped += "\\\\";
      hasBackslash = true;
    } else escaped += c;
  }
  escaped += "'";
  return hasBackslash ? ` E${escaped}` : escaped;
}

/** `expr IN (1,2,3)`, or plain `false` for no ids (`IN (NULL)` would be NULL, not false). */
export function inIds(expr: string, ids: readonly number[]): string {
  for (const id of ids) if (!Number.isSafeInteger(id)) throw new Error(`not an integer id: ${id}`);
  return ids.length === 0 ? "false" : `(${expr} IN (${ids.join(",")}))`;
}

export function timestamptzLiteral(at: Date): string {
  return `${quoteLiteral(at.toISOString())}::timestamptz`;
}
