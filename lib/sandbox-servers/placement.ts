/**
 * Where a new sandbox lives. Placement happens when the sandbox is ordered, in
 * the order's transaction: the customer learns at once that there is no room
 * (not days later, after confirming the setup), and the placed order holds its
 * server's place from then on, so the orders and copies that follow see it.
 *
 * Rules: the tenant's pinned server when it has one (refused when that server is
 * draining or full); otherwise the ACTIVE server with the largest free share by its
 * tightest limit (databases, size, runs in flight), ties to the emptier one by
 * databases, then by name. A pool with no room refuses.
 *
 * Race-safety: the candidate servers' rows are locked (FOR UPDATE, in id order, so
 * two placements never deadlock) before their use is counted; a second order waits
 * for the first to commit and then counts its sandbox. Editing a server (drain,
 * capacity) updates that row, so it waits for placements in flight too.
 */
import { copyLimits } from "../config/copy-limits";
import type { Prisma } from "../generated/portal/client";
import type { AlertInput } from "../alerts/raise";
import { freeShare, hasRoom, listServerUse, type ServerUse } from "./use";

type Tx = Prisma.TransactionClient;

/** No room for the sandbox: what the customer is told, and what operators are alerted of. */
export class PlacementRefused extends Error {
  constructor(
    readonly userMessage: string,
    readonly alert: AlertInput,
  ) {
    super(userMessage);
    this.name = "PlacementRefused";
  }
}

const TRY_LATER = "Our operators have been told; try again later, or contact support.";

export async function placeSandbox(tx: Tx, tenantId: string): Promise<string> {
  const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { customerId: true, sandboxServerId: true } });
  const pinned = tenant.sandboxServerId;
  const locked = pinned
    ? await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "SandboxServer" WHERE id = ${pinned} ORDER BY id FOR UPDATE`
    : await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "SandboxServer" WHERE state = 'ACTIVE' ORDER BY id FOR UPDATE`;
  const servers = await listServerUse(tx, locked.map((row) => row.id));
  if (pinned) return pinnedPlacement(servers[0]!, tenant.customerId);
  const best = bestServer(servers.filter(hasRoom), copyLimits().runsPerSandboxServer);
  if (best) return best.id;
  throw new PlacementRefused(`No sandbox server has room for a new sandbox right now. ${TRY_LATER}`, {
    key: "pool-full",
    subject: "the sandbox server pool is full",
    detail: `An order for ${tenant.customerId} was refused: no ACTIVE sandbox server has room (databases or size). Register a server, raise a capacity, or undrain one (ops server:add|set|undrain, or the Sandbox servers page).`,
    link: "/operations/servers",
  });
}

function pinnedPlacement(server: ServerUse, customerId: string): string {
  const why = server.state === "DRAINING" ? "is draining" : hasRoom(server) ? null : "is full";
  if (!why) return server.id;
  throw new PlacementRefused(`The sandbox server your sandboxes are kept on takes no new sandboxes right now. ${TRY_LATER}`, {
    key: `pinned-server-refused:${server.id}`,
    subject: `sandbox server ${server.name} ${why}: an order of ${customerId} was refused`,
    detail: `${customerId} is pinned to the sandbox server ${server.name}, which ${why}, so its order was refused. Undrain it, raise its capacity, or pin the tenant elsewhere.`,
    link: "/operations/servers",
  });
}

/** The server with the most free capacity; ties to fewer databases, then by name. */
function bestServer(servers: ServerUse[], defaultMaxRuns: number): ServerUse | null {
  const ranked = servers
    .map((use) => ({ use, free: freeShare(use, defaultMaxRuns) }))
    .sort((a, b) => b.free - a.free || a.use.databases - b.use.databases || a.use.name.localeCompare(b.use.name));
  return ranked[0]?.use ?? null;
}
