/**
 * The folder of the portal's local state (DATA_DIR, `.data` by default): the embedded
 * PostgreSQL, the generated secrets and, unless OUTBOX_DIR says otherwise, the mail outbox.
 * Read when needed, not when first imported: the bootstrap reads `.env` after its imports,
 * and a DATA_DIR there was ignored. Set to nothing, either is unset: path.resolve("") is the
 * current folder, which took the database's files into the project's.
 * turbopackIgnore: runtime data, not code to trace into the build.
 */
import path from "node:path";

export const dataDir = (): string => path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR?.trim() || ".data");

/** Where mail waits when no SMTP_URL is set: OUTBOX_DIR, else the data folder's `outbox`. */
export const outboxDir = (): string => {
  const chosen = process.env.OUTBOX_DIR?.trim();
  return chosen ? path.resolve(/*turbopackIgnore: true*/ chosen) : path.join(/*turbopackIgnore: true*/ dataDir(), "outbox");
};
