/**
 * The `@prisma/adapter-pg` driver adapter, set up for the wasm schema engine.
 *
 * Two fixes over the stock `new PrismaPg(url)`:
 *
 * 1. Migration scripts run whole. The stock adapter's `executeScript` splits the script
 *    on every ";" and sends the pieces one by one. That breaks any migration with a
 *    semicolon inside a string literal or a function/DO body ($$ … $$), and makes a
 *    failing migration leave half its statements applied. Here the script goes to the
 *    server as one simple-protocol query, as the native schema engine sends it:
 *    PostgreSQL parses it properly and runs it as one implicit transaction.
 *
 * 2. Exactly one connection. The engine takes a session-level advisory lock around
 *    migrations; with a pool its unlock could run on another session than its lock.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { DriverAdapterError } from "@prisma/driver-adapter-utils";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";

export class PgMigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName: string;
  private readonly inner: PrismaPg;

  constructor(connectionString: string) {
    this.inner = new PrismaPg({ connectionString, max: 1 });
    this.adapterName = this.inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return runScriptsWhole(await this.inner.connect());
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return runScriptsWhole(await this.inner.connectToShadowDb());
  }
}

function runScriptsWhole<A extends SqlDriverAdapter & { underlyingDriver(): pg.Pool }>(adapter: A): A {
  const pool = adapter.underlyingDriver();
  adapter.executeScript = async (script: string) => {
    try {
      // No parameters: node-postgres uses the simple query protocol, which allows
      // several statements in one query.
      await pool.query(script);
    } catch (error) {
      throw asDriverAdapterError(error);
    }
  };
  return adapter;
}

/**
 * Server errors as the engine knows them, so that its message (and the logs it writes
 * to `_prisma_migrations`) read "ERROR: <PostgreSQL's message>". Anything else (a lost
 * connection) is passed on as is and surfaces through the adapter's error registry.
 */
function asDriverAdapterError(error: unknown): unknown {
  if (!(error instanceof pg.DatabaseError)) return error;
  return new DriverAdapterError({
    kind: "postgres",
    code: error.code ?? "",
    severity: error.severity ?? "ERROR",
    message: error.message,
    detail: error.detail,
    column: error.column,
    hint: error.hint,
    originalCode: error.code,
    originalMessage: error.message,
  });
}
