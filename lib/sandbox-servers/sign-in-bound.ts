/**
 * Whether a sandbox server lets a connection take longer to sign in than a drop may take.
 *
 * From PostgreSQL 15 on, DROP DATABASE waits for every process on the server, and one still
 * signing in does not answer until the server ends it after its authentication_timeout: a
 * client frozen mid-handshake, or anyone who can reach the port and sends half a handshake,
 * holds every deletion, refresh clean-up and stopped run's drop there for that long. Only a
 * superuser can change the setting, so the portal says what to set; it refuses nothing.
 */
import { copyLimits } from "../config/copy-limits";
import { oneOffQuery } from "../db/one-off-query";

/** The warning for operators, or null when the server ends an unfinished sign-in within a drop's bound. */
export async function longSignInCaution(serverUrl: string): Promise<string | null> {
  const [setting] = await oneOffQuery<{ seconds: number }>(serverUrl, "SELECT extract(epoch FROM current_setting('authentication_timeout')::interval)::int AS seconds");
  const dropBound = copyLimits().sandboxStatementTimeoutMs / 1000;
  if (!setting || setting.seconds < dropBound) return null;
  return (
    `the sandbox server waits ${setting.seconds} s for a connection to finish signing in (authentication_timeout), no less than a drop may take ` +
    `(${dropBound} s), and every DROP DATABASE there waits for such connections: set it well below that there (README, Security)`
  );
}
