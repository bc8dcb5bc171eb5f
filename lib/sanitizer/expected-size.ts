/**
 * How much room a copy will take on its sandbox server, known before it writes a
 * byte: production's own sizes (rows, TOAST and indexes) of the tables it copies.
 * The sandbox server's size cap counts it while the copy runs
 * (lib/sandbox-servers/room.ts), so one tenant's copy cannot fill the disk that
 * every other sandbox on that server writes to.
 *
 * Its catalogs count too, as production's take (the database's size less its
 * tables'): on a small database they are most of it.
 *
 * The copy's rows get a tenth more than production's, as the rules' rewrites grow
 * some values (an e-mail address gains its own domain and the invalidation domain),
 * and each table it writes 32 KB more for its visibility and free space maps, which
 * COPY FREEZE makes and a young production may not have yet.
 *
 * It errs high, never low, except where it cannot know: a table copied with rows
 * filtered out counts whole, and a table a rule leaves out counts nothing. A partial
 * copy's tables scoped to a percentage of companies count that share of their size
 * (the rows its closure pulls in beyond the share are few); for companies named or
 * changed since a date, the share is not known until production is read, so those
 * tables count whole.
 */
import { formatBytes } from "../format";
import type { TablePlan } from "./copy-plan";
import { SanitizationError } from "./errors";
import { partialShareOf, type SandboxOptions } from "./options";

type SizedPlan = Pick<TablePlan, "select" | "scope" | "estimatedBytes" | "estimatedIndexBytes">;

const REWRITE_HEADROOM = 1.1;
const TABLE_MAPS_BYTES = 32 * 1024;

/** Production's sizes: the whole database's, and its tables' with their indexes. */
export interface SourceSizes {
  databaseBytes: number;
  tables: readonly { bytes: number; indexBytes: number }[];
}

export function expectedCopyBytes(source: SourceSizes, plans: readonly SizedPlan[], options: Pick<SandboxOptions, "kind" | "share">): number {
  const catalogs = Math.max(0, source.databaseBytes - source.tables.reduce((sum, t) => sum + t.bytes + t.indexBytes, 0));
  const share = options.kind === "partial" ? partialShareOf(options) : null;
  const scopedFraction = share?.by === "percent" ? share.percent / 100 : 1;
  const written = plans.filter((p) => p.select !== null);
  const rows = written.reduce((sum, p) => sum + (p.estimatedBytes + p.estimatedIndexBytes) * (p.scope ? scopedFraction : 1), 0);
  return Math.ceil(catalogs + rows * REWRITE_HEADROOM + written.length * TABLE_MAPS_BYTES);
}

/**
 * The caller's answer when the copy asks for its room: reserved; refused for now
 * (the server's sandboxes and other copies hold it); or refused for good (the copy
 * is larger than the server can hold).
 */
export type RoomVerdict = "reserved" | "no room now" | "never fits";
export type RoomReserver = (bytes: number) => Promise<RoomVerdict>;

/** Asks for the copy's room before its database is created: a refusal stops the run with nothing made. */
export async function reserveRoom(reserve: RoomReserver | undefined, bytes: number): Promise<void> {
  const verdict = reserve ? await reserve(bytes) : "reserved";
  if (verdict === "no room now") {
    throw new SanitizationError("NO_ROOM", `The sandbox server has no room for this copy (about ${formatBytes(bytes)}) right now. Nothing was created; our operators have been told.`);
  }
  if (verdict === "never fits") throw new SanitizationError("TOO_LARGE", `The copy needs about ${formatBytes(bytes)}.`);
}
