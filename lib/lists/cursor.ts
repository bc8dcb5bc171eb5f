/**
 * A keyset page cursor: the sort column's value of the last (or first) row seen and
 * that row's id, which breaks ties. In the URL it is opaque base64url JSON, so names
 * with any character survive a shared link. Isomorphic.
 */

/** How a list sorts by one column: what the column holds, and how a cursor's value is read back. */
export interface SortSpec {
  /** The model's field (Prisma) or the list's SQL column alias. */
  field: string;
  kind: "text" | "date" | "number" | "enum";
  /** For `enum`: the values in the database's sort order (PostgreSQL sorts an enum by declaration). */
  values?: readonly string[];
  /** Whether the column can be empty: empty values sort last in either direction. */
  nullable?: boolean;
  /** The words of the sort select, ascending first: ["Name (A–Z)", "Name (Z–A)"]. */
  labels: readonly [string, string];
}

export type CursorValue = string | number | Date | null;

export interface Cursor {
  value: CursorValue;
  id: string;
}

const toBase64Url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

const fromBase64Url = (encoded: string) =>
  new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(atob(encoded.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0)));

export function encodeCursor(cursor: Cursor): string {
  const value = cursor.value instanceof Date ? cursor.value.toISOString() : cursor.value;
  return toBase64Url(JSON.stringify([value, cursor.id]));
}

/** The cursor, read for the sort column it must belong to; null when it is damaged or made for another column. */
export function decodeCursor(encoded: string, spec: SortSpec): Cursor | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBase64Url(encoded));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [raw, id] = parsed as [unknown, unknown];
  if (typeof id !== "string" || id.length === 0 || id.length > 64 || id.includes("\u0000")) return null;
  const value = readValue(raw, spec);
  return value === undefined ? null : { value, id };
}

/** The value as the column holds it, or undefined when it cannot be one of the column's values. */
function readValue(raw: unknown, spec: SortSpec): CursorValue | undefined {
  if (raw === null) return spec.nullable ? null : undefined;
  switch (spec.kind) {
    case "text":
      // PostgreSQL compares no text holding a NUL: a forged cursor with one failed as a 500.
      return typeof raw === "string" && raw.length <= 500 && !raw.includes("\u0000") ? raw : undefined;
    case "enum":
      return typeof raw === "string" && spec.values?.includes(raw) ? raw : undefined;
    case "number":
      return typeof raw === "number" && Number.isFinite(raw) ? raw : undefined;
    case "date": {
      const date = typeof raw === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(raw) ? new Date(raw) : null;
      // PostgreSQL has no year 0 (JavaScript's 1 BC): a forged cursor from it failed as a 500.
      return date && !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1 ? date : undefined;
    }
  }
}
