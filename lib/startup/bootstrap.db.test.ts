/**
 * The launcher's embedded default, end to end on a server of its own: sandboxes go
 * to a role that can create databases and nothing more, and that role cannot
 * reach the portal's database.
 */
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalServer } from "../db/local-server";
import { oneOffQuery } from "../db/one-off-query";
import { sandboxRoleProblems } from "../db/sandbox-role";
import { databaseNameOf, withDatabase } from "../db/urls";
import { freePort } from "../testing/free-port";

let dataDir = "";
let localServer: LocalServer | null = null;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "sandbox-portal-bootstrap-"));
  await chmod(dataDir, 0o755); // the postgres OS user must be able to enter it
  process.env.DATA_DIR = dataDir;
  process.env.EMBEDDED_PG_PORT = String(await freePort());
  delete process.env.DATABASE_URL;
  // Set to nothing, as a `SANDBOX_SERVER_URL=` line in .env or a container's list leaves it: unset, so the embedded
  // server's role. It was kept as it was, and the start refused it ("must be the postgres:// URL of a role …").
  process.env.SANDBOX_SERVER_URL = "";
  // Imported once the environment above is set.
  const { bootstrap } = await import("./bootstrap");
  ({ localServer } = await bootstrap({ migrate: false }));
});

afterAll(async () => {
  await localServer?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the embedded default", () => {
  it("builds sandboxes as sandbox_maker, whose password is generated and kept beside the data", async () => {
    const sandboxServer = new URL(process.env.SANDBOX_SERVER_URL!);
    expect(sandboxServer.username).toBe("sandbox_maker");
    const kept = JSON.parse(await readFile(path.join(dataDir, "postgres", "server.json"), "utf8")) as { sandboxRolePassword: string };
    expect(decodeURIComponent(sandboxServer.password)).toBe(kept.sandboxRolePassword);
    expect(await sandboxRoleProblems(sandboxServer.toString(), process.env.DATABASE_URL)).toEqual({ role: "sandbox_maker", problems: [] });
  });

  it("keeps the sandbox role out of the portal's database", async () => {
    const portal = databaseNameOf(process.env.DATABASE_URL!);
    await expect(oneOffQuery(withDatabase(process.env.SANDBOX_SERVER_URL!, portal), "SELECT 1")).rejects.toThrow(
      `permission denied for database "${portal}"`,
    );
  });

  it("starts with a sandbox server that does not answer, warned; never with a role that could do more than create databases", async () => {
    const { checkSandboxServerAtStart } = await import("./bootstrap");
    const said: string[] = [];
    const down = new URL(process.env.SANDBOX_SERVER_URL!);
    down.port = String(await freePort());
    await checkSandboxServerAtStart(down.toString(), (line) => said.push(line));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^warning: SANDBOX_SERVER_URL: the sandbox server's role cannot be checked now \(.+\); every copy checks it again before it creates anything$/);
    expect(said[0]).not.toContain(down.password);
    await expect(checkSandboxServerAtStart(localServer!.adminUrl, () => undefined)).rejects.toThrow(/^SANDBOX_SERVER_URL: .*superuser/);
  });

  it("warns of a sandbox server that waits for a connection to finish signing in as long as a drop may take, which holds every drop there", async () => {
    const { checkSandboxServerAtStart } = await import("./bootstrap");
    const said: string[] = [];
    // The embedded server ends an unfinished sign-in after 10 s: within the drop's usual bound (50 s), not within 10 s.
    await checkSandboxServerAtStart(process.env.SANDBOX_SERVER_URL!, (line) => said.push(line));
    expect(said).toEqual([]);
    process.env.SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS = "10";
    try {
      await checkSandboxServerAtStart(process.env.SANDBOX_SERVER_URL!, (line) => said.push(line));
    } finally {
      delete process.env.SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS;
    }
    expect(said).toEqual([
      "warning: SANDBOX_SERVER_URL: the sandbox server waits 10 s for a connection to finish signing in (authentication_timeout), no less than a drop may take (10 s), and every DROP DATABASE there waits for such connections: set it well below that there (README, Security)",
    ]);
  });

  it("refuses an EMBEDDED_PG_PORT that is no port, in words and without the server's password", async () => {
    const { bootstrap } = await import("./bootstrap");
    const chosen = process.env.EMBEDDED_PG_PORT;
    const url = process.env.DATABASE_URL;
    try {
      for (const bad of ["abc", "80", "70000", "54 33"]) {
        delete process.env.DATABASE_URL;
        process.env.EMBEDDED_PG_PORT = bad;
        const refusal = await bootstrap({ migrate: false }).then(() => null, (error: Error) => error.message);
        expect(refusal, bad).toBe(`EMBEDDED_PG_PORT must be a whole number from 1024 to 65535, not "${bad}".`);
      }
    } finally {
      process.env.EMBEDDED_PG_PORT = chosen;
      process.env.DATABASE_URL = url;
    }
  });

  it("takes back whatever the sandbox role was granted since, at the next start", async () => {
    await oneOffQuery(localServer!.adminUrl, "ALTER ROLE sandbox_maker SUPERUSER; GRANT pg_read_server_files TO sandbox_maker");
    // And a membership granted by a role with ADMIN OPTION, not by a superuser (PostgreSQL 16+ records each grantor's grant apart).
    await oneOffQuery(
      localServer!.adminUrl,
      "CREATE ROLE role_admin CREATEROLE; CREATE ROLE crm_readers; GRANT crm_readers TO role_admin WITH ADMIN OPTION; SET ROLE role_admin; GRANT crm_readers TO sandbox_maker; RESET ROLE",
    );
    const { startLocalServer } = await import("../db/local-server");
    await startLocalServer({ dataDir: path.join(dataDir, "postgres"), port: Number(process.env.EMBEDDED_PG_PORT) });
    expect((await sandboxRoleProblems(process.env.SANDBOX_SERVER_URL!)).problems).toEqual([]);
  });
});
