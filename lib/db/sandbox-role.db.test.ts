/** The sandbox role check: what a role may hold to build sandboxes, against the real server. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oneOffQuery } from "./one-off-query";
import { assertSandboxRole, closeToPublic, sandboxRoleProblems } from "./sandbox-role";
import { databaseNameOf, withDatabase } from "./urls";
import { createTestDatabase, createTestRole, dropTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";

let portalUrl = "";

beforeAll(async () => {
  portalUrl = await createTestDatabase("role_portal");
  await closeToPublic(testServerAdminUrl(), databaseNameOf(portalUrl));
});
afterAll(() => dropTestDatabase(portalUrl));

const problemsOf = async (url: string) => (await sandboxRoleProblems(url, portalUrl)).problems;

describe("the sandbox server's role", () => {
  it("is accepted when it can create databases and nothing more", async () => {
    expect(await problemsOf(await createTestRole("CREATEDB"))).toEqual([]);
    expect(await problemsOf(testSandboxServerUrl())).toEqual([]);
  });

  it("is refused as a superuser, naming that alone", async () => {
    await expect(assertSandboxRole(testServerAdminUrl(), portalUrl)).rejects.toThrow(
      /role "postgres" must be able to create databases and nothing more, but it is a superuser; it can connect to the portal's own database/,
    );
  });

  it("is refused as a member of a role that reaches the server's files or programs, directly or through a group", async () => {
    for (const group of ["pg_read_server_files", "pg_write_server_files", "pg_execute_server_program"]) {
      expect(await problemsOf(await createTestRole("CREATEDB", [group]))).toEqual([
        `it is a member of ${group}, which reach the server's files or programs`,
      ]);
    }
    const groupUrl = await createTestRole("", ["pg_read_server_files"]);
    const viaGroup = await problemsOf(await createTestRole("CREATEDB", [new URL(groupUrl).username]));
    expect(viaGroup.join("; ")).toContain("it is a member of pg_read_server_files");
  });

  it("is refused while another role is a member of it: that role would own every customer's sandbox", async () => {
    const maker = await createTestRole("CREATEDB");
    const crm = await createTestRole("");
    await oneOffQuery(testServerAdminUrl(), `GRANT "${new URL(maker).username}" TO "${new URL(crm).username}"`);
    expect(await problemsOf(maker)).toEqual([`${new URL(crm).username} is a member of it, and would own every customer's sandbox it makes`]);
  });

  it("runs none of the functions another role put in the database its URL names", async () => {
    // A database anyone on the server may open and create in: `postgres` on a cluster upgraded from
    // PostgreSQL 14 or older keeps CREATE on its public schema for PUBLIC.
    const shared = await createTestDatabase("role_shared");
    try {
      const neighbour = new URL(await createTestRole("")).username;
      await oneOffQuery(shared, `GRANT CREATE ON SCHEMA public TO PUBLIC; CREATE TABLE public.ran (who text); GRANT INSERT ON public.ran TO PUBLIC`);
      // An exact match for the membership rows the check turns into JSON, closer than the built-in
      // to_jsonb(anyelement); on PostgreSQL 16+ the role's creator is always such a member.
      await oneOffQuery(shared, `SET ROLE "${neighbour}";
        CREATE FUNCTION public.to_jsonb(pg_catalog.pg_auth_members) RETURNS jsonb LANGUAGE plpgsql AS $$
          BEGIN INSERT INTO public.ran (who) VALUES (current_user); RETURN '{}'; END $$`);
      const maker = await createTestRole("CREATEDB");
      const crm = await createTestRole("");
      await oneOffQuery(testServerAdminUrl(), `GRANT "${new URL(maker).username}" TO "${new URL(crm).username}"`);
      expect(await problemsOf(withDatabase(maker, databaseNameOf(shared)))).toEqual([`${new URL(crm).username} is a member of it, and would own every customer's sandbox it makes`]);
      // As the sandbox role, it could have set that role's password and opened every sandbox it made.
      expect(await oneOffQuery(shared, "SELECT who FROM public.ran")).toEqual([]);
    } finally {
      await dropTestDatabase(shared);
    }
  });

  it("is refused with any right beyond CREATEDB, or without CREATEDB", async () => {
    expect(await problemsOf(await createTestRole("CREATEDB CREATEROLE REPLICATION BYPASSRLS"))).toEqual([
      "it may create roles (CREATEROLE)",
      "it may replicate (REPLICATION)",
      "it bypasses row-level security (BYPASSRLS)",
    ]);
    expect(await problemsOf(await createTestRole("", ["pg_read_all_data"]))).toEqual([
      "it may not create databases (CREATEDB)",
      "it is a member of pg_read_all_data, and may act with their rights",
    ]);
  });

  it("is refused while it can connect to the portal's database, and accepted once CONNECT is revoked", async () => {
    const maker = await createTestRole("CREATEDB");
    const name = databaseNameOf(portalUrl);
    await oneOffQuery(testServerAdminUrl(), `GRANT CONNECT ON DATABASE "${name}" TO "${new URL(maker).username}"`);
    expect(await problemsOf(maker)).toEqual([
      `it can connect to the portal's own database "${name}" (REVOKE CONNECT ON DATABASE … FROM PUBLIC)`,
    ]);
    await oneOffQuery(testServerAdminUrl(), `REVOKE CONNECT ON DATABASE "${name}" FROM "${new URL(maker).username}"`);
    expect(await problemsOf(maker)).toEqual([]);
    await expect(oneOffQuery(withDatabase(maker, name), "SELECT 1")).rejects.toThrow(/permission denied for database/);
  });
});
