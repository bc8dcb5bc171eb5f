/**
 * Creates a run's database on the sandbox server. Before anything is created the
 * server's role is checked again (it may have been granted more since it was
 * registered): a sandbox is only ever built by a role that can create databases and
 * nothing more, so it ends up owned by that role. CONNECT is then taken from PUBLIC:
 * only the owner (the portal's sandbox role) and the server's superusers can open it.
 */
import { endOrCut } from "../db/client";
import { assertSandboxRole, SandboxRoleError } from "../db/sandbox-role";
import { dropSandboxDatabase, openBoundedServerSession } from "./drop";
import { SanitizationError } from "./errors";
import { quoteIdent, quoteLiteral } from "./sql";

const ROLE_REFUSED_WORDS = "The sandbox server is not set up safely, so nothing was created.";

export function checkSandboxServerRole(serverUrl: string): Promise<void> {
  return assertSandboxRole(serverUrl).catch((error: unknown) => {
    if (error instanceof SandboxRoleError) {
      // Its words name the server's role, its memberships and the SQL to mend it: for operators. The
      // customer's progress page shows a failed step's detail, so it says this instead (provision.ts).
      throw new SanitizationError("SANDBOX_SERVER_ROLE", error.message, { role: error.role, problems: error.problems }, { technical: true, shown: ROLE_REFUSED_WORDS });
    }
    throw error;
  });
}

/**
 * `roleChecked`: the check of the server's role, which a run starts early (it only
 * reads) so that it passes while production's schema is read; nothing is created
 * before it has passed. `signal`: the run's; once aborted, nothing is created.
 *
 * Unlike the run's other sessions, this one is not cut when the run is stopped or its
 * deadline passes. A CREATE DATABASE cut while it runs has an outcome nobody knows: the
 * server finishes it after the cut, so the run took it for not made and a stopped run left
 * its database behind. The statements are let end, bounded by the server as a drop's are
 * (openBoundedServerSession), so the database is made or known not to be; the run's
 * clean-up then drops it.
 */
export async function createSandboxDatabase(serverUrl: string, name: string, encoding: string, roleChecked = checkSandboxServerRole(serverUrl), signal?: AbortSignal): Promise<void> {
  await roleChecked;
  signal?.throwIfAborted();
  const client = await openBoundedServerSession(serverUrl);
  try {
    // Closed to every session until PUBLIC's rights are gone: a new database grants CONNECT to
    // PUBLIC, and another role's session opened in between would outlive the REVOKE (and keep
    // the copy from being dropped, which cannot end another role's sessions).
    await client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0 ENCODING ${quoteLiteral(encoding)} ALLOW_CONNECTIONS false`);
    // CREATE DATABASE cannot share a transaction with what follows: a failure drops the database.
    try {
      await client.query(`REVOKE ALL ON DATABASE ${quoteIdent(name)} FROM PUBLIC`);
      await client.query(`ALTER DATABASE ${quoteIdent(name)} ALLOW_CONNECTIONS true`);
    } catch (error) {
      await dropSandboxDatabase(serverUrl, name).catch(() => undefined);
      throw error;
    }
  } finally {
    await endOrCut(client);
  }
}
