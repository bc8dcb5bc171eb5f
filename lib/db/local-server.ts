/**
 * The embedded PostgreSQL 15 server the project starts for itself when no
 * DATABASE_URL is given: data in a git-ignored folder, loopback only, random
 * passwords generated at first start and kept beside the data. It comes with its
 * sandbox role (lib/db/sandbox-role.ts): sandboxes are never built as the superuser.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile, chmod } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { quoteIdent } from "./urls";
import { CATALOG_CHANGES_LOCK_KEY } from "./sandbox-role";
import { forget, loadEmbeddedPostgres, remember } from "./embedded-postgres";

/** The embedded server's role for sandboxes: LOGIN CREATEDB and nothing more. */
const SANDBOX_ROLE = "sandbox_maker";

export interface LocalServer {
  /** postgres://user:password@127.0.0.1:port/postgres */
  adminUrl: string;
  /** The same server as SANDBOX_ROLE, on the postgres database: where sandboxes are created. */
  sandboxServerUrl: string;
  /** Stops the server if this process started it; a no-op when it was already running. */
  stop(): Promise<void>;
}

export interface LocalServerOptions {
  dataDir: string;
  /** Chosen (EMBEDDED_PG_PORT): the server listens there from now on. Not chosen: where this folder's server last listened, else 5433. */
  port?: number;
  /** Throwaway servers (tests, benchmarks): data deleted on stop, fsync off. */
  throwaway?: boolean;
  log?: (line: string) => void;
}

interface Credentials {
  port: number;
  password: string;
  sandboxRolePassword: string;
}

const clusterDirOf = (dataDir: string) => path.join(dataDir, "pg15");

/** Whether `dataDir` holds a server already (initialised by an earlier start). */
export const holdsLocalServer = (dataDir: string): boolean => existsSync(path.join(clusterDirOf(dataDir), "PG_VERSION"));

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const { dataDir, throwaway = false } = options;
  const clusterDir = clusterDirOf(dataDir);
  const credentialsFile = path.join(dataDir, "server.json");
  await mkdir(dataDir, { recursive: true });
  // The postgres OS user must be able to traverse to the data folder.
  await chmod(dataDir, 0o755).catch(() => undefined);

  const credentials = await loadOrCreateCredentials(credentialsFile, options.port);
  const adminUrl = `postgres://postgres:${encodeURIComponent(credentials.password)}@127.0.0.1:${credentials.port}/postgres`;
  const sandboxServerUrl = withRole(adminUrl, SANDBOX_ROLE, credentials.sandboxRolePassword);

  // A server left running by a killed launcher still owns the folder: reuse it.
  if (await canConnect(adminUrl)) {
    await ensureSandboxRole(adminUrl, credentials.sandboxRolePassword);
    return { adminUrl, sandboxServerUrl, stop: async () => undefined };
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: credentials.port,
    user: "postgres",
    password: credentials.password,
    authMethod: "scram-sha-256",
    persistent: !throwaway,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1",
      "-c", "unix_socket_directories=",
      "-c", "max_connections=300",
      // A connection that never finishes signing in (a client frozen mid-handshake, or anyone who
      // can reach the port and sends half a handshake) holds every DROP DATABASE on the server until
      // this ends it: from PostgreSQL 15 on a drop waits for every process, and one still signing in
      // does not answer. The default, 60 s, outlasts a drop's bound (SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS).
      "-c", "authentication_timeout=10s",
      ...(throwaway ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
    onLog: () => undefined,
    onError: (e) => options.log?.(`postgres: ${String(e)}`),
  });

  if (!holdsLocalServer(dataDir)) {
    await server.initialise();
  }
  // embedded-postgres rejects with nothing to say (undefined) when the server does not come up: said here.
  await server.start().catch((error: unknown) => {
    throw new Error(
      `The embedded PostgreSQL did not start on port ${credentials.port}${error instanceof Error ? ` (${error.message})` : ""}: another program may be using the port. Set EMBEDDED_PG_PORT to a free one, or stop that program.`,
    );
  });
  remember(server);
  await ensureSandboxRole(adminUrl, credentials.sandboxRolePassword);
  return {
    adminUrl,
    sandboxServerUrl,
    stop: async () => {
      await server.stop();
      forget(server);
    },
  };
}

const newPassword = () => randomBytes(18).toString("base64url");

/** Where a folder's server listens when no port is chosen, the first time. */
const DEFAULT_PORT = 5433;

/**
 * Kept beside the data; a folder from before the sandbox role gets its password added. A port
 * chosen now replaces the kept one (a first start on a busy port had kept that port for good).
 */
async function loadOrCreateCredentials(file: string, port: number | undefined): Promise<Credentials> {
  const kept = existsSync(file) ? (JSON.parse(await readFile(file, "utf8")) as Partial<Credentials>) : {};
  const credentials: Credentials = {
    port: port ?? (Number.isInteger(kept.port) ? kept.port! : DEFAULT_PORT),
    password: kept.password ?? newPassword(),
    sandboxRolePassword: kept.sandboxRolePassword ?? newPassword(),
  };
  if (kept.sandboxRolePassword === undefined || kept.port !== credentials.port) await writeFile(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}

function withRole(url: string, role: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(role);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/**
 * Creates the sandbox role, or puts it back to exactly LOGIN CREATEDB with the kept
 * password: whatever someone granted it since is taken away again at each start.
 */
async function ensureSandboxRole(adminUrl: string, password: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Every process started on the folder does this (the portal, a worker, each ops command):
    // two at once failed with "tuple concurrently updated" on the role's catalog row.
    await client.query("SELECT pg_advisory_lock($1)", [CATALOG_CHANGES_LOCK_KEY]);
    const { rowCount } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [SANDBOX_ROLE]);
    const attributes = `LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(password)}`;
    await client.query(`${rowCount ? "ALTER" : "CREATE"} ROLE ${quoteIdent(SANDBOX_ROLE)} ${attributes}`);
    // By its grantor: from PostgreSQL 16 a superuser's REVOKE takes back only the superusers'
    // grants, and one made by a role holding ADMIN OPTION stayed (a warning, no error).
    const { rows } = await client.query<{ rolname: string; grantor: string }>(
      `SELECT g.rolname, o.rolname AS grantor FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
         JOIN pg_roles o ON o.oid = m.grantor WHERE r.rolname = $1`,
      [SANDBOX_ROLE],
    );
    for (const { rolname, grantor } of rows) await client.query(`REVOKE ${quoteIdent(rolname)} FROM ${quoteIdent(SANDBOX_ROLE)} GRANTED BY ${quoteIdent(grantor)} CASCADE`);
  } finally {
    await client.end().catch(() => undefined);
  }
}


async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates `database` on the server unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
    }
  } finally {
    await client.end();
  }
}
