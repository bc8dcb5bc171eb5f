/**
 * Writing off a sandbox server lost for good: its disk gone, its host retired before its
 * databases were moved. Its sandboxes cannot be deleted (each deletion waits for the server
 * to answer, for ever), so they stayed "Ready" with nothing behind them, and the server could
 * not leave the pool.
 *
 * A write-off ends every sandbox whose copy lived there as deleted (a deletion run that
 * succeeded without a drop, saying why), with what a deletion brings: access ended, its
 * people told, a `sandbox.deleted` webhook event. An order or a failed creation placed there
 * with no copy yet loses nothing: it is placed on another server, and its waiting run goes
 * on there. The server is drained, so nothing new goes to it, and can then be removed.
 *
 * Refused while the server answers and still holds one of its sandboxes' databases (it is
 * not lost: delete them, or point the server at its new address), while a run is under way
 * there, or while a customer is pinned to it.
 *
 * A server rebuilt empty at its address with new credentials refuses the stored ones, which
 * says nothing of what it holds; `answersAt` (its URL now, at the same address) lets the check
 * see that it holds none of the databases. It is only checked with, never stored.
 */
import { recordAudit } from "../audit/record";
import { db } from "../db/portal";
import { databaseNow } from "../db/database-clock";
import type { Prisma } from "../generated/portal/client";
import { cancelWaitingRuns, COPY_DATABASE_PREFIX, endedAsDeleted } from "../jobs/lifecycle";
import { databasesNamed } from "../sanitizer/drop";
import { recordSandboxEvent } from "../webhooks/outbox";
import { placeSandbox, PlacementRefused } from "./placement";
import { findRegistered, sandboxDatabasesOn, type Via } from "./mutations";
import { SandboxServerError, serverUrl } from "./registry";
import { serverNameOf, withoutPasswords } from "../db/urls";
import { writtenOffOptions, writtenOffWords } from "../sandboxes/written-off";

export interface WriteOffOutcome {
  name: string;
  /**
   * The sandboxes ended as deleted (their copies were on the server), each by a finished
   * deletion run whose follow-up (access ended, people told: afterRunFinished) is the caller's,
   * or a worker's sweep's.
   */
  deleted: { id: string; name: string; customerId: string; runId: string }[];
  /** Orders and copy-less sandboxes placed on another server. */
  moved: { id: string; name: string; customerId: string; to: string }[];
}

/** The reason, as its sandboxes' people read it: one line, not empty, not a page. */
const WRITE_OFF_REASON_MAX = 300;

/** An error PostgreSQL itself gave (a SQLSTATE), as against a connection that could not be made. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

export async function writeOffServer(
  idOrName: string,
  confirmName: string,
  reason: string,
  actorId: string | null,
  via: Via,
  { answersAt }: { answersAt?: string } = {},
): Promise<WriteOffOutcome> {
  const server = await findRegistered(idOrName);
  if (confirmName !== server.name) throw new SandboxServerError(`To write off ${server.name}, confirm with its name exactly: ${server.name}.`);
  const why = reason.replace(/\s+/g, " ").trim();
  if (!why) throw new SandboxServerError("Say why the server is written off: its sandboxes' people read it.");
  if (why.length > WRITE_OFF_REASON_MAX) throw new SandboxServerError(`The reason can be at most ${WRITE_OFF_REASON_MAX} characters.`);
  // Mailed to customers and shown on their pages: a terminal's escape sequence or a bidirectional override has no place in it.
  if (/[\p{Cc}\p{Cf}]/u.test(why)) throw new SandboxServerError("The reason can hold only words: no control or formatting characters.");
  await assertLost(server, answersAt);

  return db.$transaction(
    async (tx): Promise<WriteOffOutcome> => {
      // Every server a placement may lock, in id order as placements lock them (placement.ts): an
      // order placed meanwhile waits, then finds this one draining; the moves below place freely.
      await tx.$queryRaw`SELECT id FROM "SandboxServer" WHERE id = ${server.id} OR state = 'ACTIVE' ORDER BY id FOR UPDATE`;
      const pinned = await tx.tenant.findMany({ where: { sandboxServerId: server.id }, select: { customerId: true } });
      if (pinned.length > 0) throw new SandboxServerError(`Customers are pinned to ${server.name} (${pinned.map((t) => t.customerId).join(", ")}): pin them elsewhere first.`);
      // Its sandboxes' waiting runs, then the sandboxes, in the order a claim takes them (run, then
      // sandbox): a claim waits and finds its run ended or moved; a run asked for meanwhile
      // (requestRun locks the sandbox) waits, then finds the sandbox deleted.
      await tx.$queryRaw`SELECT r.id FROM "SandboxRun" r JOIN "Sandbox" s ON s.id = r."sandboxId"
                          WHERE s."sandboxServerId" = ${server.id} AND s."deletedAt" IS NULL AND r.status = 'QUEUED' ORDER BY r.id FOR UPDATE OF r`;
      await tx.$queryRaw`SELECT id FROM "Sandbox" WHERE "sandboxServerId" = ${server.id} AND "deletedAt" IS NULL ORDER BY id FOR UPDATE`;
      const living = await tx.sandbox.findMany({
        where: { sandboxServerId: server.id, deletedAt: null },
        select: { id: true, name: true, tenantId: true, databaseName: true, tenant: { select: { customerId: true } } },
        orderBy: { createdAt: "asc" },
      });
      const runsUnderWay = async () => {
        const running = await tx.sandboxRun.count({ where: { status: "RUNNING", OR: [{ sandboxServer: server.id }, { sandboxId: { in: living.map((s) => s.id) } }] } });
        if (running === 0) return;
        throw new SandboxServerError(
          `${running} run${running === 1 ? " is" : "s are"} under way on ${server.name}: stop ${running === 1 ? "it" : "them"} first (sandbox:cancel; a copy stopped on a server that does not answer ends within a minute, a deletion when its attempts run out).`,
        );
      };
      await runsUnderWay();
      await tx.sandboxServer.update({ where: { id: server.id }, data: { state: "DRAINING" } });
      const now = await databaseNow();
      const outcome: WriteOffOutcome = { name: server.name, deleted: [], moved: [] };
      for (const sandbox of living) {
        const who = { id: sandbox.id, name: sandbox.name, customerId: sandbox.tenant.customerId };
        if (sandbox.databaseName) {
          const runId = await endAsWrittenOff(tx, sandbox, { server: server.name, reason: why, actorId, now });
          await recordAudit({ action: "sandbox.writtenOff", actorId, tenantId: sandbox.tenantId, targetId: sandbox.id, details: { via, name: sandbox.name, server: server.name, reason: why } }, tx);
          outcome.deleted.push({ ...who, runId });
        } else {
          const to = await placeElsewhere(tx, sandbox, server.name);
          await recordAudit({ action: "sandbox.replaced", actorId, tenantId: sandbox.tenantId, targetId: sandbox.id, details: { via, name: sandbox.name, from: server.name, to: to.name } }, tx);
          outcome.moved.push({ ...who, to: to.name });
        }
      }
      // A worker that claimed a waiting run meanwhile committed before this transaction's update of
      // that run (which waited for it, then left it alone): asked again, it is seen, and nothing is kept.
      await runsUnderWay();
      await recordAudit(
        { action: "sandboxServer.writtenOff", actorId, tenantId: null, targetId: server.id, details: { via, name: server.name, reason: why, deleted: outcome.deleted.length, moved: outcome.moved.length } },
        tx,
      );
      return outcome;
    },
    { timeout: 60_000 },
  );
}

/**
 * A server that answers and holds any of its sandboxes' databases is not lost: writing it
 * off would leave those databases behind, unseen; nor is one whose PostgreSQL refuses the
 * check. One that cannot be reached, or answers without them (rebuilt empty at the same
 * address: with the same role, or with the credentials given as `answersAt`), is.
 */
async function assertLost(server: { id: string; name: string; urlEncrypted: string }, answersAt: string | undefined): Promise<void> {
  const stored = serverUrl(server);
  const url = answersAt ?? stored;
  if (serverNameOf(url) !== serverNameOf(stored)) {
    throw new SandboxServerError(
      `The URL given is for ${serverNameOf(url)}, but ${server.name} is at ${serverNameOf(stored)}: give the credentials it answers with at its own address. A server that moved, with its databases, is given its new address by server:set --url.`,
    );
  }
  const expected = await sandboxDatabasesOn(server.id);
  if (expected.length === 0) return;
  const there = await databasesNamed(url, COPY_DATABASE_PREFIX).catch((error: unknown) => {
    // PostgreSQL's own refusal (a password rotated without server:set, a database renamed) is a
    // server that answers: not known to be lost. Only one that cannot be reached at all is.
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === "string" && SQLSTATE.test(code)) {
      const rebuilt = answersAt ? "" : " If it was rebuilt empty with new credentials, give them (--url -) to check it with them.";
      throw new SandboxServerError(
        `${server.name} answers but refused the check (${withoutPasswords(String((error as Error).message ?? error))}): it is not known to be lost, so its sandboxes are not written off.${rebuilt}`,
      );
    }
    return null;
  });
  if (there === null) return;
  const held = expected.filter((name) => there.includes(name)).length;
  if (held > 0) {
    throw new SandboxServerError(
      `${server.name} answers and still holds ${held} of its ${expected.length} sandbox database${expected.length === 1 ? "" : "s"}: it is not lost. Delete those sandboxes, or point it at its new address (server:set --url -).`,
    );
  }
}

type LivingSandbox = { id: string; name: string; tenantId: string; tenant: { customerId: string } };

/** The sandbox ends as deleted by a deletion run that succeeded without a drop: its history says why, its webhooks hear it. */
async function endAsWrittenOff(tx: Prisma.TransactionClient, sandbox: LivingSandbox, off: { server: string; reason: string; actorId: string | null; now: Date }): Promise<string> {
  // Its waiting runs can never happen: they end as cancelled, for the same reason.
  await cancelWaitingRuns(tx, { sandboxId: sandbox.id }, writtenOffWords({ server: off.server, reason: off.reason }), off.now);
  const run = await tx.sandboxRun.create({
    data: {
      sandboxId: sandbox.id,
      kind: "DELETE",
      status: "SUCCEEDED",
      requestedById: off.actorId,
      options: writtenOffOptions({ server: off.server, reason: off.reason }),
      startedAt: off.now,
      finishedAt: off.now,
    },
    select: { id: true },
  });
  await tx.sandbox.update({ where: { id: sandbox.id }, data: endedAsDeleted(off.now) });
  await recordSandboxEvent(tx, "sandbox.deleted", run.id);
  return run.id;
}

/** An order or a sandbox with no copy yet: another server takes it, and its waiting run goes on there. */
async function placeElsewhere(tx: Prisma.TransactionClient, sandbox: LivingSandbox, lostServer: string): Promise<{ name: string }> {
  let to: string;
  try {
    to = await placeSandbox(tx, sandbox.tenantId);
  } catch (error) {
    if (error instanceof PlacementRefused) {
      throw new SandboxServerError(`No other sandbox server has room for ${sandbox.tenant.customerId}'s sandbox "${sandbox.name}", which has no copy on ${lostServer} yet: register a server or raise a capacity first.`);
    }
    throw error;
  }
  await tx.sandbox.update({ where: { id: sandbox.id }, data: { sandboxServerId: to } });
  // Its place in the lost server's line means nothing on the new one.
  await tx.sandboxRun.updateMany({ where: { sandboxId: sandbox.id, status: "QUEUED" }, data: { sandboxServer: null, serverWaitSince: null } });
  return tx.sandboxServer.findUniqueOrThrow({ where: { id: to }, select: { name: true } });
}
