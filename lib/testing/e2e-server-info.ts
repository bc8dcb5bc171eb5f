/**
 * How browser tests find the database of the server they drive, to check with a
 * query what a click changed: the e2e server writes this file when it starts and
 * removes it when it stops. One file per port, in the temporary folder.
 */
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface E2eServerInfo {
  baseUrl: string;
  databaseUrl: string;
  /** The bearer token the server's /api/metrics wants. */
  metricsToken: string;
  /** This throwaway server's NEXTAUTH_SECRET: a test ages a session's sign-in with it, as time would. */
  sessionSecret: string;
  /** Where the server writes the mails it sends (it has no SMTP): a test reads a mailed link there. */
  outboxDir: string;
}

export function e2eServerInfoPath(port: string | number): string {
  return path.join(tmpdir(), `sandbox-portal-e2e-${port}.json`);
}

export function readE2eServerInfo(baseUrl: string): E2eServerInfo {
  return JSON.parse(readFileSync(e2eServerInfoPath(new URL(baseUrl).port), "utf8")) as E2eServerInfo;
}
