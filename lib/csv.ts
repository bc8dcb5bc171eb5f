/**
 * CSV the way spreadsheets read it safely (RFC 4180 quoting, CRLF lines), and
 * with formula injection neutralised: a cell that starts with = + - @, a tab or a
 * carriage return would be run as a formula by Excel or LibreOffice, so it gets a
 * leading apostrophe (OWASP's advice). Our cells carry names and values from
 * customers' own data, which nobody vetted for that. Pure and isomorphic.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, ending in CRLF. */
export const csvLine = (cells: readonly (string | number | boolean | null | undefined)[]): string => `${cells.map(csvCell).join(",")}\r\n`;
