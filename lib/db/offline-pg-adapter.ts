/**
 * A driver adapter that pretends to be PostgreSQL without a server, so the wasm schema
 * engine can diff two Prisma schemas offline.
 *
 * Why: the engine opens a connection as soon as it is created (`SchemaEngine.new`
 * connects and runs one probe query for the server version and the schema's
 * existence), even though a schema-to-schema diff never touches a database. Writing a
 * migration or the CRM contract DDL should need no running server, and should not
 * depend on which server version a developer happens to have: the answers below are
 * fixed, matching the PostgreSQL 15 line the project pins.
 *
 * Any other query fails with a clear message, so this can never silently stand in for
 * a real database (e.g. applying migrations).
 */
import { ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from "@prisma/driver-adapter-utils";

const PINNED_SERVER_VERSION = "PostgreSQL 15.0 (offline placeholder for schema diffs)";
const PINNED_SERVER_VERSION_NUM = 150000;

function offline(what: string): Error {
  return new Error(
    `The offline schema engine has no database; it can only diff schemas (attempted: ${what}).`,
  );
}

/** The engine's start-up probe: `SELECT EXISTS(... pg_namespace ...), version(), ... numeric_version`. */
function isStartupProbe(sql: string): boolean {
  return /pg_namespace/.test(sql) && /\bversion\(\)/.test(sql) && /server_version_num/.test(sql);
}

class OfflinePgConnection implements SqlDriverAdapter {
  readonly provider = "postgres" as const;
  readonly adapterName = "sandbox-portal-offline-pg";

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    if (!isStartupProbe(query.sql)) throw offline(query.sql.slice(0, 120));
    return {
      columnNames: ["exists", "version", "numeric_version"],
      columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
      rows: [[true, PINNED_SERVER_VERSION, PINNED_SERVER_VERSION_NUM]],
    };
  }

  async executeRaw(query: SqlQuery): Promise<number> {
    throw offline(query.sql.slice(0, 120));
  }

  async executeScript(): Promise<void> {
    throw offline("a SQL script");
  }

  async startTransaction(): Promise<Transaction> {
    throw offline("a transaction");
  }

  getConnectionInfo() {
    return { schemaName: "public", supportsRelationJoins: true };
  }

  async dispose(): Promise<void> {}
}

export class OfflinePgAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "sandbox-portal-offline-pg";

  async connect(): Promise<SqlDriverAdapter> {
    return new OfflinePgConnection();
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    throw offline("a shadow database");
  }
}
