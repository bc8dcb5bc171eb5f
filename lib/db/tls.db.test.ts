/**
 * Connections honour the TLS settings in their URLs (sslmode=verify-full with
 * sslrootcert): nothing of ours sets `ssl` over what the URL says. The shared test
 * server gets a certificate for 127.0.0.1 from a CA made here, and refuses
 * connections without TLS for two roles of this file; a whole copy, made as those
 * roles, then proves that every connection on both sides used TLS. The server is
 * shared with every other test file: afterAll puts its pg_hba.conf and settings back.
 */
import { execFileSync } from "node:child_process";
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openProductionClient } from "../crm/read-only";
import { EMPTY_CLASSIFICATION } from "../sanitizer/classification";
import { dropSandboxDatabase } from "../sanitizer/drop";
import { provisionSandbox } from "../sanitizer/provision";
import { databaseNames, generateProduction, newSandboxName } from "../testing/sanitizer-fixtures";
import { createTestRole, dropTestDatabase, testServerAdminUrl } from "../testing/pg";
import { oneOffQuery } from "./one-off-query";
import { assertSandboxRole } from "./sandbox-role";
import { withDatabase } from "./urls";
import { quoteLiteral } from "../sanitizer/sql";

let dir = "";
let prod = "";
let maker = "";
let reader = "";
/** The shared server's pg_hba.conf, and what it held before this file prepended its rules. */
let hbaFile = "";
let hbaBefore: string | undefined;
/** The server settings this file changes, and what postgresql.auto.conf set them to before (null: nothing). */
const SSL_SETTINGS = ["ssl", "ssl_cert_file", "ssl_key_file"] as const;
let settingsBefore: Map<string, string | null> | undefined;

const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });

function makeCa(name: string): void {
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.pem`);
}

/** The URL with TLS required and verified against `ca`, on `host`. */
function tls(url: string, ca = "ca", host = "127.0.0.1"): string {
  const u = new URL(url);
  u.hostname = host;
  u.searchParams.set("sslmode", "verify-full");
  u.searchParams.set("sslrootcert", path.join(dir, `${ca}.pem`));
  return u.toString();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sandbox-portal-tls-"));
  await chmod(dir, 0o755);
  makeCa("ca");
  makeCa("other-ca");
  await writeFile(path.join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr");
  openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.crt");
  // PostgreSQL runs as the postgres OS user and wants its key private to itself.
  if (userInfo().uid === 0) {
    const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"]).toString());
    for (const file of ["server.key", "server.crt"]) await chown(path.join(dir, file), id("-u"), id("-g"));
  }
  await chmod(path.join(dir, "server.key"), 0o600);

  maker = await createTestRole("CREATEDB");
  reader = await createTestRole("", ["pg_read_all_data"]);
  const admin = testServerAdminUrl();
  hbaFile = (await oneOffQuery<{ hba_file: string }>(admin, "SHOW hba_file"))[0]!.hba_file;
  const autoConf = await oneOffQuery<{ name: string; setting: string }>(
    admin,
    "SELECT name, setting FROM pg_file_settings WHERE sourcefile LIKE '%/postgresql.auto.conf' AND name = ANY($1::text[])",
    [SSL_SETTINGS],
  );
  settingsBefore = new Map(SSL_SETTINGS.map((name) => [name, autoConf.findLast((row) => row.name === name)?.setting ?? null]));
  const rules = [maker, reader].map((u) => `hostnossl all ${new URL(u).username} 0.0.0.0/0 reject\n`).join("");
  hbaBefore = await readFile(hbaFile, "utf8");
  await writeFile(hbaFile, rules + hbaBefore); // first match wins: these come first
  await oneOffQuery(admin, `ALTER SYSTEM SET ssl_cert_file = '${path.join(dir, "server.crt")}'`);
  await oneOffQuery(admin, `ALTER SYSTEM SET ssl_key_file = '${path.join(dir, "server.key")}'`);
  await oneOffQuery(admin, "ALTER SYSTEM SET ssl = on");
  await oneOffQuery(admin, "SELECT pg_reload_conf()");
  prod = await generateProduction(81);
}, 120_000);

afterAll(async () => {
  try {
    if (prod) await dropTestDatabase(prod);
    // The next files on this server get it as it was: no TLS-only rules, no certificate of ours.
    const admin = testServerAdminUrl();
    if (hbaBefore !== undefined) await writeFile(hbaFile, hbaBefore);
    if (settingsBefore) {
      for (const [name, value] of settingsBefore) {
        await oneOffQuery(admin, value === null ? `ALTER SYSTEM RESET ${name}` : `ALTER SYSTEM SET ${name} = ${quoteLiteral(value)}`);
      }
    }
    await oneOffQuery(admin, "SELECT pg_reload_conf()");
    // What the server reads on its next start or reload: none of this file's roles' rules, none of its settings.
    const roles = [maker, reader].filter(Boolean).map((u) => new URL(u).username);
    expect(await oneOffQuery(admin, "SELECT line_number FROM pg_hba_file_rules WHERE user_name && $1::text[]", [roles])).toEqual([]);
    const autoConf = await oneOffQuery<{ name: string; setting: string }>(
      admin,
      "SELECT name, setting FROM pg_file_settings WHERE sourcefile LIKE '%/postgresql.auto.conf' AND name = ANY($1::text[])",
      [SSL_SETTINGS],
    );
    expect(new Map(SSL_SETTINGS.map((name) => [name, autoConf.findLast((row) => row.name === name)?.setting ?? null]))).toEqual(settingsBefore);
  } finally {
    // After the reload: the server no longer points at the certificate in it.
    await rm(dir, { recursive: true, force: true });
  }
});

const usesTls = async (url: string) =>
  (await oneOffQuery<{ ssl: boolean }>(url, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))[0]?.ssl;

describe("TLS settings in database URLs", () => {
  it("are required for this file's roles: without TLS they are turned away", async () => {
    await expect(oneOffQuery(maker, "SELECT 1")).rejects.toThrow(/no encryption/);
    expect(await usesTls(tls(maker))).toBe(true);
  });

  it("verify the server: another CA or another host name is refused", async () => {
    await assertSandboxRole(tls(maker));
    await expect(assertSandboxRole(tls(maker, "other-ca"))).rejects.toThrow(/self.signed|unable to verify|certificate/i);
    await expect(assertSandboxRole(tls(maker, "ca", "localhost"))).rejects.toThrow(/does not match|altnames/i);
    await expect(openProductionClient(tls(withDatabase(reader, new URL(prod).pathname.slice(1)), "other-ca"))).rejects.toThrow(/certificate/i);
  });

  it("carry through a whole copy: every connection to production and to the sandbox server uses TLS", async () => {
    const name = newSandboxName();
    const productionUrl = tls(withDatabase(reader, new URL(prod).pathname.slice(1)));
    const production = await openProductionClient(productionUrl);
    try {
      expect((await production.query<{ ssl: boolean }>("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).rows[0]?.ssl).toBe(true);
    } finally {
      await production.end();
    }
    await provisionSandbox({
      productionUrl,
      sandboxServerUrl: tls(maker),
      databaseName: name,
      sandboxCustomerId: "Cust90008",
      serviceMailboxAddress: "support@sandbox.example",
      options: {},
      classification: EMPTY_CLASSIFICATION,
    });
    expect(await databaseNames()).toContain(name);
    await dropSandboxDatabase(tls(maker), name);
    expect(await databaseNames()).not.toContain(name);
  }, 60_000);
});
