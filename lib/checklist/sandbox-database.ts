/**
 * The one way the portal opens a SANDBOX's CRM database: resolved from the
 * sandbox's own database name on the sandbox server it lives on, never from the
 * production URL. Writes go through `writeSandboxDatabase`, which first checks
 * in the same transaction that the database says it is this sandbox
 * (installation.environment = 'sandbox'): a wrong pointer can never turn a
 * checklist fix into a write on production.
 */
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/crm/client";
import type { Prisma } from "../generated/crm/client";
import { tlsRefusal } from "../db/tls-policy";
import { withDatabase } from "../db/urls";
import { AppError } from "../errors";
import { KeyedLimit, WaitTooLong } from "../keyed-limit";
import { sandboxServerUrlOf } from "../sandbox-servers/registry";

export interface SandboxDatabaseRef {
  id: string;
  tenantId: string;
  databaseName: string;
  sandboxCustomerId: string | null;
}

export type CrmClient = PrismaClient;
export type CrmTransaction = Prisma.TransactionClient;

/** Its URL; refused (a CONFLICT in the portal's words) when REQUIRE_DATABASE_TLS refuses its server's (tls-policy.ts). */
async function sandboxUrl(ref: SandboxDatabaseRef): Promise<string> {
  const url = withDatabase(await sandboxServerUrlOf(ref.id), ref.databaseName);
  if (tlsRefusal(url)) throw new AppError("CONFLICT", "The sandbox's server is not reached over the checked, encrypted connection this portal requires, so the sandbox is not read. Contact support.");
  return url;
}

/**
 * Bounds of every statement on a sandbox database. Its users write to it while the
 * page reads it (a row or table they lock, an import that runs long): the page and a
 * fix wait at most this long, never for as long as the sandbox's users hold on. The
 * server enforces them; the driver gives up a little later if the server does not.
 */
export const SANDBOX_SESSION_BOUNDS = {
  connectionTimeoutMillis: 5_000,
  lock_timeout: 3_000,
  statement_timeout: 10_000,
  idle_in_transaction_session_timeout: 10_000,
  query_timeout: 15_000,
} as const;

/**
 * Sessions this process opens on sandbox databases at once: per sandbox, and in all. A
 * sandbox server is shared by many customers, and each page view read the checklist on a
 * client of its own: a customer reloading the sandbox page in a loop (while the sandbox's
 * users hold a lock, so each read waits out its bounds) opened sessions until the server
 * had none left for the other customers' sandboxes and copies. And per customer: one with
 * eight sandboxes held all sixteen, and every other customer's checklist waited. The rest
 * wait their turn, at most WAIT_FOR_TURN_MS (a page reloaded in a loop leaves no line of
 * renders behind it).
 */
const PER_SANDBOX = new KeyedLimit(2);
const PER_TENANT = new KeyedLimit(4);
const IN_ALL = new KeyedLimit(16);
const WAIT_FOR_TURN_MS = 10_000;
const BUSY = "The sandbox database is busy with other requests just now. Try again in a minute.";

/** Opens a short-lived client on the sandbox database: sandboxes are many, so none is kept open. */
export async function withSandboxDatabase<T>(ref: SandboxDatabaseRef, run: (crm: CrmClient) => Promise<T>): Promise<T> {
  const url = await sandboxUrl(ref);
  // One wait for all three turns, not one each.
  const deadline = Date.now() + WAIT_FOR_TURN_MS;
  const turn = () => ({ waitMs: Math.max(0, deadline - Date.now()) });
  const session = async () => {
    // One connection: the checklist reads in one transaction, a fix writes in one.
    const crm = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 1, ...SANDBOX_SESSION_BOUNDS }) });
    try {
      return await run(crm);
    } finally {
      await crm.$disconnect();
    }
  };
  return PER_SANDBOX.run(ref.id, () => PER_TENANT.run(ref.tenantId, () => IN_ALL.run("all", session, turn()), turn()), turn()).catch((error: unknown) => {
    throw error instanceof WaitTooLong ? new AppError("CONFLICT", BUSY) : error;
  });
}

/** How many of this process's turns on a sandbox's database are taken now (a session open, or about to be). */
export const sandboxSessionsOpen = (sandboxId: string): number => PER_SANDBOX.runningFor(sandboxId);
/** The same, of all a customer's sandboxes. */
export const customerSessionsOpen = (tenantId: string): number => PER_TENANT.runningFor(tenantId);

/** A transaction on the sandbox database that refuses to write to anything but this sandbox. */
export async function writeSandboxDatabase<T>(ref: SandboxDatabaseRef, run: (tx: CrmTransaction) => Promise<T>): Promise<T> {
  return withSandboxDatabase(ref, (crm) =>
    crm.$transaction(async (tx) => {
      // Compared on the server, two rows at most: the sandbox's users may have added millions, of any size.
      const [found] = await tx.$queryRaw<{ rows: bigint; ours: boolean | null }[]>`
        SELECT count(*) AS rows, bool_and(environment = 'sandbox' AND (${ref.sandboxCustomerId}::text IS NULL OR customer_id = ${ref.sandboxCustomerId}::text)) AS ours
          FROM (SELECT environment, customer_id FROM installation LIMIT 2) i`;
      const isThisSandbox = found?.rows === 1n && found.ours === true;
      if (!isThisSandbox) throw new AppError("CONFLICT", "That database is not this sandbox, so nothing was changed. Contact support.");
      // The portal's writes to one sandbox take turns (an advisory lock is the database's own): the
      // opt-ins fix creates a missing preference, and the CRM's unique (section, name, associate) is
      // no guard for a system one (its associate is null), so a double click made it twice.
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended('sandbox-portal:checklist-fix', 0))::text AS taken`;
      return run(tx);
    }),
  );
}
