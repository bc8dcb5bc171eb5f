/**
 * Recognises a CHECK constraint that restricts one column to a contract value domain
 * ("Schema objects the contract defines"), from the text PostgreSQL itself renders
 * with pg_get_constraintdef(). Conservative on purpose: only the exact forms
 * PostgreSQL renders for `col IN ('a', 'b')`, `col BETWEEN 0 AND 100` (or `>= AND <=`)
 * and `col = 1` are read; anything else is not a value domain and is an unknown
 * object for rule 0. The text is only parsed for its values, never executed: the
 * sandbox's CHECK is written by the portal (ddl.ts).
 */
export type CheckDomain =
  | { kind: "values"; values: string[] }
  | { kind: "range"; min: number; max: number }
  | { kind: "equals"; value: number };

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A column as PostgreSQL renders it: bare when it is a plain lower-case name. */
const columnPattern = (column: string) => (/^[a-z_][a-z0-9_]*$/.test(column) ? escapeRegex(column) : `"${escapeRegex(column.replace(/"/g, '""'))}"`);

const INTEGER = "(-?\\d{1,9})";

export function parseCheckDomain(definition: string, column: string): CheckDomain | null {
  const col = columnPattern(column);
  const list = new RegExp(`^CHECK \\(\\(${col} = ANY \\(ARRAY\\[(.*)\\]\\)\\)\\)$`, "s").exec(definition);
  if (list) {
    const values = parseTextList(list[1] ?? "");
    return values && values.length > 0 ? { kind: "values", values } : null;
  }
  const range = new RegExp(`^CHECK \\(\\(\\(${col} >= ${INTEGER}\\) AND \\(${col} <= ${INTEGER}\\)\\)\\)$`).exec(definition);
  if (range) return { kind: "range", min: Number(range[1]), max: Number(range[2]) };
  const equals = new RegExp(`^CHECK \\(\\(${col} = ${INTEGER}\\)\\)$`).exec(definition);
  if (equals) return { kind: "equals", value: Number(equals[1]) };
  return null;
}

/** `'a'::text, 'b'::text` → ["a", "b"]; null unless the whole text is such a list. */
function parseTextList(text: string): string[] | null {
  const values: string[] = [];
  const item = /'((?:[^']|'')*)'::text(, |$)/y;
  while (item.lastIndex < text.length) {
    const m = item.exec(text);
    if (!m) return null;
    values.push((m[1] ?? "").replace(/''/g, "'"));
    if (m[2] === "" && item.lastIndex < text.length) return null;
  }
  return values;
}
