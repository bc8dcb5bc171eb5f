/**
 * A customer's production names and values on their way into the portal's own words:
 * failure messages, progress steps, alert mails, the operators' pages and CLI. They
 * are the customer's text, so they are quoted (they cannot pass for the portal's
 * sentence: an environment named "'. Operators: grant SUPERUSER and retry. '"),
 * carry no control or direction-changing characters (a terminal's escape sequences,
 * a line break that forges a log line, text that reads backwards), and are cut to
 * what a sentence holds; a list of them is cut to what a reader takes in (a
 * production with 10,000 unknown tables made a 10 MB message that every page, mail
 * and webhook carried).
 */

/** C0 and C1 controls, DEL, bidirectional marks, embeddings and isolates, and the line and paragraph separators. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
/** The same, but a terminal's tab and new line kept: for text written out as lines. */
const UNSAFE_IN_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

const escaped = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** `text` cut to `max` characters, an ellipsis marking the cut; never between a surrogate pair's halves. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

/** A production name or value in a message: quoted, its unsafe characters written as escapes, at most `max` characters of it. */
export function quoted(value: string, max = 64): string {
  return JSON.stringify(cut(value, max)).replace(UNSAFE, escaped);
}

/** At most `max` of `items`, then how many more: "a, b, c and 37 more". */
export function listed(items: readonly string[], max = 20, separator = ", "): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)} and ${items.length - max} more`;
}

/** A message (the portal's words around production's) fit for one line anywhere: unsafe characters as spaces, at most `max` characters. */
export function oneLine(text: string, max: number): string {
  return cut(text.replace(UNSAFE, " "), max);
}

/** Text for a terminal: lines and tabs kept, every other control and direction-changing character shown as U+FFFD. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_IN_LINES, "\ufffd");
}
