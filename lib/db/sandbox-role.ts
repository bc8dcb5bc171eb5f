/**
 * The role sandboxes are created and written by. A copy is built from a
 * customer's data, so the role building it must be unable to reach anything but
 * the databases it creates: it may create databases and nothing more. A superuser,
 * or a member of pg_read_server_files / pg_write_server_files /
 * pg_execute_server_program, could read or write the server's files and every
 * other tenant's databases; CREATEROLE can grant itself those memberships;
 * REPLICATION streams the whole cluster; BYPASSRLS skips row security; and
 * a role that can connect to the portal's own database could rewrite the portal.
 * Checked when a URL is registered, at start-up, and before every CREATE DATABASE.
 */
import pg from "pg";
import { endOrCut, survivesDrops } from "./client";
import { oneOffQuery } from "./one-off-query";
import { databaseNameOf, quoteIdent } from "./urls";

export class SandboxRoleError extends Error {
  constructor(
    readonly role: string,
    readonly problems: string[],
  ) {
    super(
      `The sandbox server's role "${role}" must be able to create databases and nothing more, but ${problems.join("; ")}. ` +
        `Use a role made with CREATE ROLE … LOGIN CREATEDB and nothing else (README: "Sandbox servers and roles").`,
    );
    this.name = "SandboxRoleError";
  }
}

/**
 * Bounds on the check's sessions: it runs before every CREATE DATABASE, and a server
 * that takes the connection, or the statement, and never answers must not hold a run.
 */
const CHECK_BOUNDS = { connectionTimeoutMillis: 5000, query_timeout: 30_000 };

/**
 * The check's session on the sandbox server searches the built-ins only, and names its functions with
 * their schema besides (a URL's own `options` would replace the setting): the database the URL names
 * is anyone's on the server (`postgres`), where on a cluster upgraded from PostgreSQL 14 or older any
 * role may create. A neighbour's `public.to_jsonb(pg_auth_members)` ran as the role being checked.
 */
const BUILT_INS_ONLY = { options: "-c search_path=pg_catalog,pg_temp" };

/** Predefined roles whose members reach beyond their own databases. */
const SERVER_ACCESS_ROLES = ["pg_read_server_files", "pg_write_server_files", "pg_execute_server_program"];

interface RoleFacts {
  role: string;
  rolsuper: boolean;
  rolcreatedb: boolean;
  rolcreaterole: boolean;
  rolreplication: boolean;
  rolbypassrls: boolean;
  memberOf: string[];
  /** Roles that are members of it: each acts as the owner of every sandbox it makes. */
  members: string[];
}

/**
 * What the role behind `serverUrl` may do beyond creating databases, in plain
 * words; empty when it is fit to build sandboxes. `portalUrl` (the portal's
 * DATABASE_URL, when this process has one) adds the check that the role cannot
 * connect to the portal's own database.
 */
export async function sandboxRoleProblems(serverUrl: string, portalUrl = process.env.DATABASE_URL): Promise<{ role: string; problems: string[] }> {
  const client = survivesDrops(new pg.Client({ connectionString: serverUrl, ...CHECK_BOUNDS, ...BUILT_INS_ONLY }));
  await client.connect();
  try {
    const { rows } = await client.query<RoleFacts>(
      `SELECT r.rolname AS role, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls,
              ARRAY(SELECT g.rolname::text FROM pg_catalog.pg_roles g
                    -- pg_database_owner: implied for the owner of the database connected to, grants nothing else
                    WHERE g.oid <> r.oid AND g.rolname <> 'pg_database_owner'
                      AND pg_catalog.pg_has_role(r.oid, g.oid, 'MEMBER') ORDER BY g.rolname) AS "memberOf",
              -- From PostgreSQL 16 the (non-superuser) role that created it holds it with ADMIN OPTION
              -- alone, as managed services' admin users do: that member cannot act as it. One that
              -- inherits it or may SET ROLE to it can (on 15, every member can: no such columns there).
              ARRAY(SELECT m.rolname::text FROM pg_catalog.pg_auth_members a JOIN pg_catalog.pg_roles m ON m.oid = a.member
                    WHERE a.roleid = r.oid
                      AND (coalesce((pg_catalog.to_jsonb(a) ->> 'inherit_option')::boolean, true) OR coalesce((pg_catalog.to_jsonb(a) ->> 'set_option')::boolean, true))
                    ORDER BY m.rolname) AS members
         FROM pg_catalog.pg_roles r WHERE r.rolname = current_user`,
    );
    const facts = rows[0]!;
    // A superuser holds every right and every membership: naming them all would bury the point.
    const problems = facts.rolsuper ? ["it is a superuser"] : excessRights(facts);
    if (portalUrl && (await reachesPortalDatabase(client, portalUrl))) {
      problems.push(`it can connect to the portal's own database "${databaseNameOf(portalUrl)}" (REVOKE CONNECT ON DATABASE … FROM PUBLIC)`);
    }
    return { role: facts.role, problems };
  } finally {
    await endOrCut(client);
  }
}

function excessRights(facts: RoleFacts): string[] {
  const problems: string[] = [];
  if (!facts.rolcreatedb) problems.push("it may not create databases (CREATEDB)");
  if (facts.rolcreaterole) problems.push("it may create roles (CREATEROLE)");
  if (facts.rolreplication) problems.push("it may replicate (REPLICATION)");
  if (facts.rolbypassrls) problems.push("it bypasses row-level security (BYPASSRLS)");
  const serverAccess = facts.memberOf.filter((r) => SERVER_ACCESS_ROLES.includes(r));
  const others = facts.memberOf.filter((r) => !SERVER_ACCESS_ROLES.includes(r));
  if (serverAccess.length > 0) problems.push(`it is a member of ${serverAccess.join(", ")}, which reach the server's files or programs`);
  if (others.length > 0) problems.push(`it is a member of ${others.join(", ")}, and may act with their rights`);
  // A role granted this one (say, for the CRM to open sandboxes) owns every tenant's sandbox on the server.
  if (facts.members.length > 0) problems.push(`${facts.members.join(", ")} ${facts.members.length === 1 ? "is a member" : "are members"} of it, and would own every customer's sandbox it makes`);
  return problems;
}

/** Throws a SandboxRoleError naming every excess privilege; returns when the role is fit. */
export async function assertSandboxRole(serverUrl: string, portalUrl = process.env.DATABASE_URL): Promise<void> {
  const { role, problems } = await sandboxRoleProblems(serverUrl, portalUrl);
  if (problems.length > 0) throw new SandboxRoleError(role, problems);
}

/**
 * Whether the sandbox role may connect to the portal's database. A database of the
 * same name on another server is told apart by the cluster's system identifier; when
 * either side cannot read it, the same name counts as the same database (fail closed).
 */
async function reachesPortalDatabase(sandboxServer: pg.Client, portalUrl: string): Promise<boolean> {
  const { rows } = await sandboxServer.query<{ connect: boolean }>(
    "SELECT pg_catalog.has_database_privilege(datname, 'CONNECT') AS connect FROM pg_catalog.pg_database WHERE datname = $1",
    [databaseNameOf(portalUrl)],
  );
  if (!rows[0]?.connect) return false;
  const [sandboxCluster, portalCluster] = await Promise.all([clusterId(sandboxServer), portalClusterId(portalUrl)]);
  return sandboxCluster === null || portalCluster === null || sandboxCluster === portalCluster;
}

async function portalClusterId(portalUrl: string): Promise<string | null> {
  const client = survivesDrops(new pg.Client({ connectionString: portalUrl, ...CHECK_BOUNDS }));
  await client.connect();
  try {
    return await clusterId(client);
  } finally {
    await endOrCut(client);
  }
}

async function clusterId(client: pg.ClientBase): Promise<string | null> {
  try {
    const { rows } = await client.query<{ id: string }>("SELECT system_identifier::text AS id FROM pg_catalog.pg_control_system()");
    return rows[0]?.id ?? null;
  } catch {
    return null;
  }
}

/**
 * Only the roles granted CONNECT may open `database`: the sandbox role (and any
 * other role on the server) no longer can. For the portal's own database and the
 * demo productions, when they share the server sandboxes are made on.
 */
export async function closeToPublic(adminUrl: string, database: string): Promise<void> {
  // In one transaction with the lock: the session ends with it, whatever happens.
  await oneOffQuery(adminUrl, `BEGIN; SELECT pg_advisory_xact_lock(${CATALOG_CHANGES_LOCK_KEY}); REVOKE CONNECT, TEMPORARY ON DATABASE ${quoteIdent(database)} FROM PUBLIC; COMMIT`);
}

/**
 * Taken around the changes every start makes to the embedded server's catalogs (the
 * sandbox role's attributes, the portal database's CONNECT): PostgreSQL refuses two
 * concurrent updates of one catalog row ("tuple concurrently updated") rather than
 * waiting, and processes start together (the portal and its worker, ops commands).
 */
export const CATALOG_CHANGES_LOCK_KEY = "7165092317720548609";
