/**
 * Whether a sandbox server answers: connect and `SELECT 1`, bounded by a timeout
 * on the whole attempt (a server that accepts the TCP connection and then says
 * nothing must not hold the caller either). Never throws. A server REQUIRE_DATABASE_TLS
 * refuses (tls-policy.ts) is not asked: for the portal it cannot be used, so it does not answer.
 */
import pg from "pg";
import { survivesDrops } from "../db/client";
import { tlsRefusal } from "../db/tls-policy";

export async function serverAnswers(url: string, timeoutMs: number): Promise<boolean> {
  if (tlsRefusal(url)) return false;
  const client = survivesDrops(new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs, query_timeout: timeoutMs }));
  let timer: NodeJS.Timeout | undefined;
  const attempt = (async () => {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  })().catch(() => false);
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
    // Not awaited: ending a connection that hangs would hold the caller for as long.
    void client.end().catch(() => undefined);
  }
}
