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
 * It errs high, except where it cannot know: a table copied with rows filtered out
 * counts whole, and a table a rule leaves out counts nothing. A partial copy's tables
 * scoped to its share count the share's part of their size: the share of production's
 * companies it chooses (the percentage chosen, or those named or changed since a date,
 * counted), as if every company held as many rows; the rows its closure pulls in
 * beyond the share are few.
 */
import type pg from "pg";
import { formatBytes } from "../format";
import type { TablePlan } from "./copy-plan";
import { SanitizationError } from "./errors";
import { partialShareOf, type SandboxOptions } from "./options";
import { chosenCompanies, ROOT_TABLE } from "./partial-closure";

type SizedPlan = Pick<TablePlan, "select" | "scope" | "estimatedBytes" | "estimatedIndexBytes">;

const REWRITE_HEADROOM = 1.1;
const TABLE_MAPS_BYTES = 32 * 1024;

/** Production's sizes: the whole database's, and its tables' with their indexes. */
export interface SourceSizes {
  databaseBytes: number;
  tables: readonly { bytes: number; indexBytes: number }[];
}

/** `companyShare`: the share of production's companies a partial copy takes, 0–1 (chosenCompanyShare). */
export function expectedCopyBytes(source: SourceSizes, plans: readonly SizedPlan[], companyShare: number): number {
  const catalogs = Math.max(0, source.databaseBytes - source.tables.reduce((sum, t) => sum + t.bytes + t.indexBytes, 0));
  const scopedFraction = Math.min(1, Math.max(0, companyShare));
  const written = plans.filter((p) => p.select !== null);
  const rows = written.reduce((sum, p) => sum + (p.estimatedBytes + p.estimatedIndexBytes) * (p.scope ? scopedFraction : 1), 0);
  return Math.ceil(catalogs + rows * REWRITE_HEADROOM + written.length * TABLE_MAPS_BYTES);
}

/** What the copy's streams read of production's tables, about: their rows' bytes, a partial copy's scoped ones at its share. */
export function expectedReadBytes(plans: readonly SizedPlan[], companyShare: number): number {
  const scopedFraction = Math.min(1, Math.max(0, companyShare));
  return plans.filter((p) => p.select !== null).reduce((sum, p) => sum + p.estimatedBytes * (p.scope ? scopedFraction : 1), 0);
}

/**
 * The share of production's companies a copy takes, 0–1: 1 but for a partial copy,
 * whose percentage is its share; companies named or changed since a date are counted
 * on production (one scan of its companies, in the copy's snapshot).
 */
export async function chosenCompanyShare(production: pg.ClientBase, options: Pick<SandboxOptions, "kind" | "share">): Promise<number> {
  if (options.kind !== "partial") return 1;
  const share = partialShareOf(options);
  if (share.by === "percent") return share.percent / 100;
  const { rows } = await production.query<{ chosen: string; all: string }>(
    `SELECT count(*) FILTER (WHERE ${chosenCompanies(share)})::text AS chosen, count(*)::text AS all FROM public.${ROOT_TABLE}`,
  );
  const all = Number(rows[0]?.all ?? 0);
  return all === 0 ? 0 : Number(rows[0]?.chosen ?? 0) / all;
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
  const verdict = reserve ? await reserve(bytes).catch((error: unknown) => Promise.reject(unansweredRoom(bytes, error))) : "reserved";
  if (verdict !== "reserved") throw refusedRoom(verdict, bytes);
}

/**
 * No answer to the ask (the portal's own database away for a moment): nothing is made
 * without room, and nothing is wrong with the copy, so it is an attempt for later.
 */
function unansweredRoom(bytes: number, cause: unknown): SanitizationError {
  return new SanitizationError("NO_ROOM", `The copy's room on the sandbox server (about ${formatBytes(bytes)}) could not be reserved just now. Nothing was kept.`, undefined, { cause });
}

/** The run's failure when its room is refused: for a while (NO_ROOM, tried again later) or for good (TOO_LARGE). */
export function refusedRoom(verdict: Exclude<RoomVerdict, "reserved">, bytes: number): SanitizationError {
  if (verdict === "never fits") return new SanitizationError("TOO_LARGE", `The copy needs about ${formatBytes(bytes)}.`);
  return new SanitizationError("NO_ROOM", `The sandbox server has no room for this copy (about ${formatBytes(bytes)}) right now. Nothing was kept; our operators have been told.`);
}
