/**
 * How much of each sandbox server is used: its sandboxes (every one placed on it
 * that is not deleted or cancelled, so an order waiting for its setup holds its
 * place), their recorded size, the copies writing into it now and the room they
 * reserved (room.ts). Read from the portal database alone, in one pass, so it never
 * waits on a server.
 */
import { db } from "../db/portal";
import { formatBytes } from "../format";
import type { Prisma } from "../generated/portal/client";
import type { ServerState } from "./schema";
import { BUILT_IN_SERVER_ID } from "./registry";

export interface ServerUse {
  id: string;
  name: string;
  state: ServerState;
  urlEncrypted: string | null;
  maxDatabases: number | null;
  maxTotalBytes: number | null;
  /** Its own cap; null = SANDBOX_SERVER_MAX_RUNS. */
  maxConcurrentRuns: number | null;
  databases: number;
  bytes: number;
  /** The room the copies under way hold: their expected sizes, until each is measured. */
  reservedBytes: number;
  runsInFlight: number;
}

type Client = Prisma.TransactionClient;

/** Every registered server with its use, by name; `onlyIds` narrows it (placement reads the servers it locked). */
export async function listServerUse(tx: Client = db, onlyIds?: string[]): Promise<ServerUse[]> {
  const servers = await tx.sandboxServer.findMany({
    where: onlyIds ? { id: { in: onlyIds } } : undefined,
    orderBy: { name: "asc" },
    select: { id: true, name: true, state: true, urlEncrypted: true, maxDatabases: true, maxTotalBytes: true, maxConcurrentRuns: true },
  });
  // A sandbox never placed (made before the pool) lives where its tenant's sandboxes go.
  const sandboxes = await tx.$queryRaw<{ id: string; databases: bigint; bytes: bigint | null }[]>`
    SELECT COALESCE(s."sandboxServerId", t."sandboxServerId", ${BUILT_IN_SERVER_ID}) AS id, count(*) AS databases, sum(s."sizeBytes") AS bytes
      FROM "Sandbox" s JOIN "Tenant" t ON t.id = s."tenantId"
     WHERE s.status NOT IN ('DELETED', 'CANCELLED')
     GROUP BY 1`;
  const runs = await tx.sandboxRun.groupBy({
    by: ["sandboxServer"],
    where: { status: "RUNNING", kind: { in: ["PROVISION", "REFRESH"] } },
    _count: { _all: true },
    _sum: { reservedBytes: true },
  });
  return servers.map((server) => {
    const placed = sandboxes.find((row) => row.id === server.id);
    const copies = runs.find((r) => r.sandboxServer === server.id);
    return {
      ...server,
      maxTotalBytes: server.maxTotalBytes === null ? null : Number(server.maxTotalBytes),
      databases: Number(placed?.databases ?? 0),
      bytes: Number(placed?.bytes ?? 0),
      reservedBytes: Number(copies?._sum.reservedBytes ?? 0),
      runsInFlight: copies?._count._all ?? 0,
    };
  });
}

/** Whether a server has room for one more sandbox (runs never make it full: a copy waits in its server's line). */
export function hasRoom(use: Pick<ServerUse, "maxDatabases" | "databases" | "maxTotalBytes" | "bytes" | "reservedBytes">): boolean {
  return (use.maxDatabases === null || use.databases < use.maxDatabases) && (use.maxTotalBytes === null || use.bytes + use.reservedBytes < use.maxTotalBytes);
}

/**
 * Whether a copy of `bytes` fits on the server now: against its cap, what its sandboxes
 * and the copies under way hold (less `ownReserved`, the asking run's own reservation,
 * which a new one replaces). "no room now": the others hold too much; "never fits": the
 * cap itself is smaller. Room is given out by room.ts, and waited for by slots.ts.
 */
export function roomFor(use: Pick<ServerUse, "bytes" | "reservedBytes" | "maxTotalBytes">, bytes: number, ownReserved = 0): "fits" | "no room now" | "never fits" {
  if (use.maxTotalBytes === null) return "fits";
  if (bytes > use.maxTotalBytes) return "never fits";
  return use.bytes + use.reservedBytes - ownReserved + bytes > use.maxTotalBytes ? "no room now" : "fits";
}

/**
 * The share of a server still free, 0–1, by its tightest limit: databases, size (the copies' room counted), and
 * runs (against `defaultMaxRuns` when it has no cap of its own). No limit at all = 1.
 */
export function freeShare(use: ServerUse, defaultMaxRuns: number): number {
  const free = (used: number, max: number | null) => (max === null ? 1 : Math.max(0, 1 - used / max));
  return Math.min(free(use.databases, use.maxDatabases), free(use.bytes + use.reservedBytes, use.maxTotalBytes), free(use.runsInFlight, use.maxConcurrentRuns ?? defaultMaxRuns));
}

type IntakeFacts = Pick<ServerUse, "state" | "maxDatabases" | "databases" | "maxTotalBytes" | "bytes" | "reservedBytes">;

/** Whether new sandboxes go to the server: an operator drains it, its limits fill it (limits set below its use fill it at once). */
export function intakeOf(use: IntakeFacts): "active" | "draining" | "full" {
  if (use.state === "DRAINING") return "draining";
  return hasRoom(use) ? "active" : "full";
}

/** intakeOf in an operator's words, with what it holds when full. */
export function intakeWords(use: IntakeFacts): string {
  const intake = intakeOf(use);
  if (intake === "draining") return "Draining: no new sandboxes go to it; the ones on it keep working.";
  if (intake === "full") return `Full: no new sandboxes go to it until some are deleted or its limits are raised (sandboxes ${ofCapacity(use.databases, use.maxDatabases)}, size ${describeSizeUse(use)}).`;
  return "It takes new sandboxes.";
}

/** A use against its capacity, as operators read it: "4 of 10", "4 of no limit". */
export const ofCapacity = (used: string | number, max: string | number | null) => `${used} of ${max ?? "no limit"}`;

/** A server's size against its cap, with the room copies under way hold: "1.2 GB + 800.0 MB reserved by copies under way of 5.0 GB". */
export function describeSizeUse(use: Pick<ServerUse, "bytes" | "reservedBytes" | "maxTotalBytes">): string {
  const used = use.reservedBytes ? `${formatBytes(use.bytes)} + ${formatBytes(use.reservedBytes)} reserved by copies under way` : formatBytes(use.bytes);
  return ofCapacity(used, use.maxTotalBytes === null ? null : formatBytes(use.maxTotalBytes));
}
