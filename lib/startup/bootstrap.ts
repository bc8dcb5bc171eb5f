/**
 * Gets a process ready to use the portal database, the same way for the web
 * launcher, the worker, the operator CLI and the seed: read .env, start the
 * embedded PostgreSQL when no DATABASE_URL is given, fill in locally kept
 * secrets, apply migrations. Plain Node: no Next.js imports.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { ensureDatabase, holdsLocalServer, startLocalServer, type LocalServer } from "../db/local-server";
import { withDatabase, withoutPasswords } from "../db/urls";
import { applyMigrations, readMigrations } from "../db/migrate";
import { newerMigration, newestMigration, outdatedWords, SCHEMA_VERSION_ENV } from "../db/schema-version";
import { oneOffQuery } from "../db/one-off-query";
import { assertSandboxRole, closeToPublic, SandboxRoleError } from "../db/sandbox-role";
import { env } from "../config/env";
import { longSignInCaution } from "../sandbox-servers/sign-in-bound";
import { portNumber } from "./listen-port";
import { dataDir } from "../config/data-dir";
import { log as logger } from "../observability/log";

const PORTAL_DATABASE = "sandbox_portal";

export interface Bootstrapped {
  /** Set when this process started (or re-attached to) the embedded server. */
  localServer: LocalServer | null;
  migrationsApplied: string[];
}

/** Thrown for `existingPortalOnly` when the embedded server's folder holds no portal yet. */
export class NoPortalHere extends Error {
  override readonly name = "NoPortalHere";
}

/**
 * EMBEDDED_PG_PORT, read before the rest of the environment (the embedded server comes first):
 * refused in words when it is no port. An unchecked "abc" made a URL the error printed whole,
 * with the server's superuser password in it.
 */
function chosenEmbeddedPort(): number | undefined {
  const given = process.env.EMBEDDED_PG_PORT?.trim();
  if (!given) return undefined;
  const port = portNumber(given, 1024);
  if (port === null) throw new Error(`EMBEDDED_PG_PORT must be a whole number from 1024 to 65535, not "${given}".`);
  return port;
}

/**
 * `existingPortalOnly` (the operator CLI): with no DATABASE_URL, use the embedded portal
 * DATA_DIR already holds, never start a new, empty one (a mistyped DATA_DIR made an empty
 * portal, and the commands after it wrote into that).
 */
export async function bootstrap(options: { log?: (line: string) => void; migrate?: boolean; existingPortalOnly?: boolean } = {}): Promise<Bootstrapped> {
  const log = options.log ?? (() => undefined);
  loadDotEnv();
  let localServer: LocalServer | null = null;
  if (!process.env.DATABASE_URL) {
    if (options.existingPortalOnly && !holdsLocalServer(path.join(dataDir(), "postgres"))) {
      throw new NoPortalHere(`${dataDir()} holds no portal: start the portal first (npm run dev or npm start), or set DATA_DIR or DATABASE_URL to the portal's own`);
    }
    localServer = await startLocalServer({ dataDir: path.join(dataDir(), "postgres"), port: chosenEmbeddedPort(), log });
  }
  try {
    if (localServer) {
      await ensureDatabase(localServer.adminUrl, PORTAL_DATABASE);
      // One cluster for the portal and the sandboxes, the portal's database closed to
      // everyone but its owner: the sandbox role cannot even connect to it.
      await closeToPublic(localServer.adminUrl, PORTAL_DATABASE);
      process.env.DATABASE_URL = withDatabase(localServer.adminUrl, PORTAL_DATABASE);
      // Set to nothing it is unset (set-variables.ts), as env() reads it: the embedded server's role then.
      if (!process.env.SANDBOX_SERVER_URL?.trim()) process.env.SANDBOX_SERVER_URL = localServer.sandboxServerUrl;
      log(`embedded PostgreSQL running on 127.0.0.1:${new URL(localServer.adminUrl).port} (data in ${path.relative(process.cwd(), dataDir()) || "."}/postgres)`);
    }
    await fillLocalSecrets(log);
    // Both fail here, naming what is wrong, rather than on the first request or run.
    env();
    await checkSandboxServerAtStart(env().SANDBOX_SERVER_URL, log);
    const migrationsApplied = options.migrate === false ? [] : await applyMigrations(process.env.DATABASE_URL!);
    if (migrationsApplied.length > 0) log(`applied migrations: ${migrationsApplied.join(", ")}`);
    // Without its migrations (a test of the start itself) the database has no version to compare.
    if (options.migrate !== false) await assertSchemaNotNewer();
    return { localServer, migrationsApplied };
  } catch (error) {
    // The embedded server this start began goes with it (one it re-attached to stays: stop() leaves it).
    await localServer?.stop().catch(() => undefined);
    throw error;
  }
}

/**
 * `bootstrap` for a process that cannot go on without it (the launcher, the worker): a start
 * that fails says why in its own words, one line per problem, and exits 1. Node's report of
 * an unhandled rejection put the throwing line of source and a stack around those words.
 */
export async function bootstrapOrExit(options: Parameters<typeof bootstrap>[0]): Promise<Bootstrapped> {
  try {
    return await bootstrap(options);
  } catch (error) {
    logger.debug({ err: error }, "the start failed");
    logger.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

/**
 * Records the schema version this code was made for (schema-version.ts), for this process
 * and those it starts, and refuses to start against a database a newer version migrated.
 */
async function assertSchemaNotNewer(): Promise<void> {
  const known = newestMigration((await readMigrations(path.resolve("prisma/migrations"))).migrationDirectories.map((m) => m.path));
  if (!known) return;
  process.env[SCHEMA_VERSION_ENV] = known;
  const newer = await newerMigration((sql, params) => oneOffQuery<{ name: string }>(process.env.DATABASE_URL!, sql, params), known);
  if (newer) throw new Error(outdatedWords(newer, known));
}

/**
 * Refuses to start with a sandbox server role that could do more than create databases.
 * A server that cannot be reached now is only warned of: every copy checks the role again
 * before it creates anything (create-database.ts), and refusing to start made the built-in
 * server's maintenance stop every web server, worker and CLI of the portal, although a
 * server down fails only the runs on it.
 */
export async function checkSandboxServerAtStart(serverUrl: string, log: (line: string) => void): Promise<void> {
  try {
    await assertSandboxRole(serverUrl);
    const caution = await longSignInCaution(serverUrl);
    if (caution) log(`warning: SANDBOX_SERVER_URL: ${caution}`);
  } catch (error) {
    if (error instanceof SandboxRoleError) throw new Error(`SANDBOX_SERVER_URL: ${error.message}`);
    const reason = withoutPasswords((error as Error).message ?? String(error));
    log(`warning: SANDBOX_SERVER_URL: the sandbox server's role cannot be checked now (${reason}); every copy checks it again before it creates anything`);
  }
}

function loadDotEnv(): void {
  for (const file of [".env.local", ".env"]) {
    if (existsSync(file)) process.loadEnvFile(file);
  }
}

/**
 * Secrets not given in the environment are generated once and kept in the
 * data folder, so a fresh clone runs with nothing to edit. Several app
 * instances must share them: set them explicitly there (README, "at scale").
 */
async function fillLocalSecrets(log: (line: string) => void): Promise<void> {
  const file = path.join(dataDir(), "secrets.json");
  const wanted = {
    NEXTAUTH_SECRET: () => randomBytes(32).toString("base64url"),
    DATABASE_SECRETS_KEY: () => randomBytes(32).toString("base64"),
  };
  const missing = (Object.keys(wanted) as (keyof typeof wanted)[]).filter((k) => !process.env[k]);
  if (missing.length === 0) return;
  await mkdir(dataDir(), { recursive: true });
  const kept: Record<string, string> = existsSync(file) ? JSON.parse(await readFile(file, "utf8")) : {};
  let changed = false;
  for (const name of missing) {
    if (!kept[name]) {
      kept[name] = wanted[name]();
      changed = true;
      log(`generated ${name} (kept in ${path.relative(process.cwd(), file)})`);
    }
    process.env[name] = kept[name];
  }
  if (changed) await writeFile(file, JSON.stringify(kept, null, 2), { mode: 0o600 });
}
