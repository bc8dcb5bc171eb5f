/**
 * The pool of sandbox servers: registering one, opening its sealed URL, and
 * finding the server a sandbox lives on. A server's URL holds a password, so it is
 * sealed at rest and opened only on the server side, never shown or logged: what
 * people see is the server's name and host:port.
 * Plain TypeScript: the CLI, the worker, the seed and the app share it.
 */
import { connectionProblem } from "../db/connection-problem";
import { env } from "../config/env";
import { assertSandboxRole, SandboxRoleError } from "../db/sandbox-role";
import { sandboxServerUrlProblem } from "./url-parameters";
import { db } from "../db/portal";
import { tlsRefusal } from "../db/tls-policy";
import { redactUrl, serverNameOf } from "../db/urls";
import type { Prisma } from "../generated/portal/client";
import { openSecret, sealSecret } from "../secrets/secret-box";
import type { Capacity } from "./schema";

/** The row made by the pool's migration for the server SANDBOX_SERVER_URL names (the portal's own, locally). */
export const BUILT_IN_SERVER_ID = "built-in";

export class SandboxServerError extends Error {
  constructor(
    message: string,
    /** The words for the portal when `message` carries a driver's message or an address. */
    readonly portalMessage: string = message,
  ) {
    super(message);
    this.name = "SandboxServerError";
  }
}

/** A server's URL: opened from its seal, or SANDBOX_SERVER_URL for the built-in one. */
export function serverUrl(server: { urlEncrypted: string | null }): string {
  return server.urlEncrypted ? openSecret(server.urlEncrypted) : env().SANDBOX_SERVER_URL;
}

/** host:port, for people: never the credentials. */
export const serverAddress = (server: { urlEncrypted: string | null }): string => serverNameOf(serverUrl(server));

/** The sandbox's own server; one never placed (made before the pool) goes where its tenant's sandboxes go. */
export function placedServerId(sandbox: { sandboxServerId: string | null; tenant: { sandboxServerId: string | null } }): string {
  return sandbox.sandboxServerId ?? sandbox.tenant.sandboxServerId ?? BUILT_IN_SERVER_ID;
}

/** The URL of the server a sandbox lives on: server-side only. */
export async function sandboxServerUrlOf(sandboxId: string): Promise<string> {
  const sandbox = await db.sandbox.findUniqueOrThrow({
    where: { id: sandboxId },
    select: { sandboxServerId: true, tenant: { select: { sandboxServerId: true } } },
  });
  const server = await db.sandboxServer.findUniqueOrThrow({ where: { id: placedServerId(sandbox) }, select: { urlEncrypted: true } });
  return serverUrl(server);
}

/** The role behind `url` may create databases and nothing more (lib/db/sandbox-role.ts); said in operators' words. */
export async function assertUsableServer(url: string): Promise<void> {
  const settings = sandboxServerUrlProblem(url);
  if (settings) throw new SandboxServerError(`The sandbox server's URL ${settings}`);
  const refused = tlsRefusal(url);
  if (refused) throw new SandboxServerError(`The sandbox server's URL ${refused}.`, "That URL does not ask for an encrypted connection whose server is checked, which this portal requires (REQUIRE_DATABASE_TLS): add sslmode=verify-full and sslrootcert.");
  try {
    await assertSandboxRole(url);
  } catch (error) {
    if (error instanceof SandboxRoleError) throw new SandboxServerError(error.message);
    throw new SandboxServerError(
      `Cannot connect to the sandbox server at ${redactUrl(url)}: ${(error as Error).message}`,
      `Cannot connect to that sandbox server: ${connectionProblem(error)}.`,
    );
  }
}

export interface NewServer extends Capacity {
  name: string;
  url: string;
}

/** Registers a server whose role the caller has checked (assertUsableServer), in the caller's transaction. */
export async function registerServer(server: NewServer, tx: Prisma.TransactionClient): Promise<{ id: string; name: string }> {
  const { url, ...settings } = server;
  try {
    return await tx.sandboxServer.create({ data: { ...settings, urlEncrypted: sealSecret(url) }, select: { id: true, name: true } });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new SandboxServerError(`A sandbox server named "${server.name}" already exists.`);
    throw error;
  }
}

/**
 * The registered server with exactly this URL (the built-in one for SANDBOX_SERVER_URL), or null.
 * Seals are randomised, so each is opened: the pool is tens of servers, not thousands.
 */
export async function findServerByUrl(url: string): Promise<{ id: string; name: string } | null> {
  const servers = await db.sandboxServer.findMany({ select: { id: true, name: true, urlEncrypted: true }, orderBy: { createdAt: "asc" } });
  const found = servers.find((s) => serverUrl(s) === url);
  return found ? { id: found.id, name: found.name } : null;
}

/** A name for a server registered on the way (tenant:add): its host and port, made unique. */
export async function freeServerName(url: string): Promise<string> {
  const base = serverNameOf(url).replace(/[^\w.-]/g, "-");
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!(await db.sandboxServer.findUnique({ where: { name }, select: { id: true } }))) return name;
  }
}
