/**
 * The room a copy holds on its sandbox server while it runs. A server's size cap
 * (maxTotalBytes) used to count only the sizes measured once copies were done, so a
 * copy under way counted nothing: one tenant's large production could fill the disk
 * that every other sandbox on that server writes to, and a full disk can stop the
 * server itself. Now a copy, once it knows its expected size
 * (lib/sanitizer/expected-size.ts) and before it creates its database, reserves that
 * much against the cap. The reservation counts while its run is RUNNING (use.ts);
 * when the run succeeds, its measured size counts instead, and when it fails or is
 * queued again, nothing does.
 *
 * A refresh's reservation counts beside its sandbox's current copy: both exist until
 * the new one is swapped in.
 *
 * Race-safety: reservations on one server are serialized by the lock its slots are
 * given out under (lib/jobs/slots.ts), so two copies cannot both take the last room.
 */
import { raiseAlertQuietly, type AlertInput } from "../alerts/raise";
import { db } from "../db/portal";
import { formatBytes } from "../format";
import { heldBy, RunTakenOver, type HeldRun } from "../jobs/lifecycle";
import { lockServerLine } from "../jobs/slots";
import type { RoomVerdict } from "../sanitizer/expected-size";
import { listServerUse, roomFor } from "./use";

export async function reserveRoomForCopy(held: HeldRun, bytes: number): Promise<RoomVerdict> {
  // Written only while this worker holds the run on this attempt (lifecycle.ts HeldRun): one taken from it reserves nothing for the attempt that has it now.
  const attempt = heldBy(held);
  const refused = await db.$transaction(async (tx) => {
    const run = await tx.sandboxRun.findFirst({
      where: attempt,
      select: { sandboxServer: true, reservedBytes: true, roomRefusedBytes: true, sandbox: { select: { tenant: { select: { customerId: true } } } } },
    });
    if (!run) throw new RunTakenOver();
    if (!run.sandboxServer) return null; // a deletion writes nothing
    await lockServerLine(tx, run.sandboxServer);
    const [use] = await listServerUse(tx, [run.sandboxServer]);
    // Kept across attempts, so the next one asks for at least this much before it writes.
    const refuse = async <Refusal>(refusal: Refusal) => {
      if (bytes > Number(run.roomRefusedBytes ?? 0)) await tx.sandboxRun.updateMany({ where: attempt, data: { roomRefusedBytes: BigInt(bytes) } });
      return refusal;
    };
    // This run's own earlier reservation, if any, is replaced.
    const own = Number(run.reservedBytes ?? 0);
    const room = use ? roomFor(use, bytes, own) : "fits";
    if (use && use.maxTotalBytes !== null && room !== "fits") {
      const held = use.bytes + use.reservedBytes - own;
      const need = `A copy for ${run.sandbox.tenant.customerId} needs about ${formatBytes(bytes)} on the sandbox server ${use.name}`;
      const cap = `its size cap is ${formatBytes(use.maxTotalBytes)}`;
      if (room === "never fits") {
        return refuse({ verdict: "never fits" as const, alert: roomAlert(`${use.id}:too-large`, `a copy is larger than sandbox server ${use.name} can hold`, `${need}, and ${cap}, so the run failed without creating anything. Raise the server's size cap, or pin the tenant to a larger server.`) });
      }
      return refuse({
        verdict: "no room now" as const,
        alert: roomAlert(`${use.id}:full`, `sandbox server ${use.name} has no room for a copy`, `${need}; its sandboxes and the copies under way hold ${formatBytes(held)}, and ${cap}. The run will be retried. Raise the cap, or move sandboxes to another server.`),
      });
    }
    await tx.sandboxRun.updateMany({ where: attempt, data: { reservedBytes: BigInt(bytes) } });
    return null;
  });
  if (!refused) return "reserved";
  await raiseAlertQuietly(refused.alert);
  return refused.verdict;
}

const roomAlert = (key: string, subject: string, detail: string): AlertInput => ({ key: `server-room:${key}`, subject, detail, link: "/operations/servers" });
