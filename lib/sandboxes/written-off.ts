/**
 * A sandbox written off with its lost sandbox server (lib/sandbox-servers/write-off.ts) ends
 * by a deletion run that dropped nothing; its options say so, and why, for its history, its
 * mail and its webhook. Isomorphic: the history table reads it too.
 */
/** The server's name when it was written off, and the operator's words (a type, not an interface: it is stored as JSON). */
export type WrittenOff = { server: string; reason: string };

export function writtenOffOptions(off: WrittenOff): { writtenOff: WrittenOff } {
  return { writtenOff: off };
}

/** The write-off a deletion run's options carry, or null for a deletion someone asked for. */
export function writtenOffOf(options: unknown): WrittenOff | null {
  const off = (options as { writtenOff?: unknown } | null)?.writtenOff as Partial<WrittenOff> | undefined;
  return off && typeof off.server === "string" && typeof off.reason === "string" ? { server: off.server, reason: off.reason } : null;
}

/** What its people read: the copy is gone with its server, not by anyone's deletion. */
export const writtenOffWords = (off: WrittenOff) => `Its sandbox server was lost, and its database with it: ${off.reason}`;
