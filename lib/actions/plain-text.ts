/**
 * Text a person writes for other people to read (a token's name, an order's note, a reason
 * given), as every schema takes it: browser forms, server actions, the API and the CLI alike.
 * Isomorphic (zod only).
 *
 * Two things no form sends were taken as written, by the server actions and the API alike:
 * text of nothing visible (a token named "\u200b\u200b" or "\u0001\u0002", a reason for giving
 * nobody access of twelve zero-width spaces, which passed its ten-character minimum), and
 * controls that make text read other than it was written (a terminal's escape sequences, and
 * the direction overrides that turn "gpj.exe" into "exe.jpg" on the webhooks page and in the
 * audit log). Letters of every script pass, and so do the marks right-to-left text needs (LRM,
 * RLM, ALM) and the joiners of emoji and Indic scripts.
 */
import { z } from "zod";

/** C0 and C1 controls, DEL, the line and paragraph separators, and bidirectional embeddings, overrides and isolates. */
const CONTROL_ON_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** The same, but a text of several lines keeps its tabs and line breaks. */
const CONTROL_ON_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** Something a reader sees: a letter, digit, punctuation mark or symbol. */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

export const CONTROLS_REFUSED = "Remove the control characters (an escape, a direction override, a line break where there is one line): they do not show as written.";
export const INVISIBLE_REFUSED = "Write it with letters or digits: this shows nothing a reader can see.";

/**
 * A string, trimmed, with no controls, and with something visible unless empty (leave
 * requiredness and length to `.min()` and `.max()`, which chain on as on any string).
 * `lines: "many"` keeps tabs and line breaks (notes, reasons).
 */
export function plainText(lines: "one" | "many" = "one") {
  const control = lines === "many" ? CONTROL_ON_LINES : CONTROL_ON_ONE_LINE;
  return z
    .string()
    .trim()
    .refine((text) => !control.test(text), { error: CONTROLS_REFUSED })
    .refine((text) => text === "" || VISIBLE.test(text), { error: INVISIBLE_REFUSED });
}
