import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "pg-connection-string";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { openClient } from "./client";
import { oneOffQuery } from "./one-off-query";
import { describeTlsGap, TlsRefusedError, tlsGapOf, tlsRefusal, tlsShown } from "./tls-policy";

// The driver reads the certificate files a URL names as it parses it: real (if empty) ones.
const folder = mkdtempSync(path.join(tmpdir(), "tls-policy-"));
const ca = path.join(folder, "ca.pem");
writeFileSync(ca, "-----BEGIN CERTIFICATE-----\n");
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

/** Whether node-postgres, reading `url`, connects with TLS that checks the server's certificate, or to a loopback host or socket. */
function driverChecks(url: string): boolean {
  const { ssl, host } = parse(url) as { ssl?: unknown; host?: string };
  if (!host || host.startsWith("/") || ["localhost", "127.0.0.1", "::1"].includes(host)) return true;
  if (ssl === true) return true;
  return typeof ssl === "object" && ssl !== null && (ssl as { rejectUnauthorized?: boolean }).rejectUnauthorized !== false;
}

const remote = "postgres://reader:pw@crm-db.example.com:5432/cust1";

describe("a database URL's TLS, as the driver reads it", () => {
  const cases = [
    "",
    "?sslmode=disable",
    "?sslmode=allow",
    "?sslmode=prefer",
    "?sslmode=require",
    "?sslmode=verify-ca",
    "?sslmode=verify-full",
    "?sslmode=no-verify",
    `?sslrootcert=${ca}`,
    `?sslmode=verify-full&sslrootcert=${ca}`,
    "?ssl=true",
    "?ssl=1",
    "?ssl=0",
    "?ssl=false",
    "?uselibpqcompat=true&sslmode=disable",
    "?uselibpqcompat=true&sslmode=prefer",
    "?uselibpqcompat=true&sslmode=require",
    `?uselibpqcompat=true&sslmode=require&sslrootcert=${ca}`,
    `?uselibpqcompat=true&sslmode=verify-ca&sslrootcert=${ca}`,
    "?uselibpqcompat=true&sslmode=verify-full",
    // Read as the driver reads them: the last of a repeated parameter wins, an empty host parameter is none.
    "?sslmode=verify-full&sslmode=disable",
    "?sslmode=disable&sslmode=verify-full",
    "?ssl=1&ssl=0",
    "?uselibpqcompat=false&uselibpqcompat=true&sslmode=require",
    "?host=",
    "?host=/tmp&host=crm-db.example.com",
    "?host=crm-db.example.com&host=/tmp",
    "?host=localhost",
  ];

  it.each(cases)("finds a gap in %j exactly when the driver would not check the server", (query) => {
    const url = remote + query;
    // Where the URL's words mean plain text to libpq (allow), or to anyone reading it (ssl=false, a string the
    // driver takes as truthy), it is a gap even though this driver would check: erring on the safe side.
    if (query === "?ssl=false" || query === "?sslmode=allow") expect(tlsGapOf(url)).toMatchObject({ risk: "in plain text" });
    else expect(tlsGapOf(url) === null).toBe(driverChecks(url));
  });

  it("says what a gap lets happen, naming the host and never the password", () => {
    expect(describeTlsGap(remote)).toBe("reaches crm-db.example.com without sslmode: its sessions travel in plain text; use sslmode=verify-full with sslrootcert (README: TLS to every database)");
    expect(describeTlsGap(`${remote}?sslmode=no-verify`)).toMatch(/with sslmode=no-verify: its sessions travel to whoever answers/);
    expect(describeTlsGap(`${remote}?uselibpqcompat=true&sslmode=require`)).toMatch(/with sslmode=require \(as libpq reads it\): its sessions travel to whoever answers/);
    expect(describeTlsGap(remote)).not.toContain("pw");
    // A host parameter is where the driver goes, whatever the URL's own host says.
    expect(tlsGapOf("postgres://r:pw@localhost/c?host=crm-db.example.com")).toMatchObject({ host: "crm-db.example.com", risk: "in plain text" });
    // No host at all: pg's own default, PGHOST when set.
    vi.stubEnv("PGHOST", "pg.example.com");
    expect(tlsGapOf("postgres:///c")).toMatchObject({ host: "pg.example.com" });
  });

  it("leaves traffic that never leaves the machine alone: loopback hosts and sockets", () => {
    vi.stubEnv("PGHOST", undefined);
    for (const url of ["postgres://r:pw@localhost:5432/c", "postgres://r:pw@127.0.0.1/c", "postgres://r:pw@[::1]:5432/c", "postgres:///c?host=/var/run/postgresql", "postgres:///c", "postgres://r@%2Fvar%2Frun%2Fpostgresql/c"]) {
      expect(tlsGapOf(url)).toBeNull();
      expect(tlsShown(url)).toBe("local");
    }
  });

  it("refuses a gap only when REQUIRE_DATABASE_TLS is true, and shows which URLs it refuses", () => {
    expect(tlsRefusal(remote)).toBeNull();
    expect(tlsShown(remote)).toBe("plain text");
    expect(tlsShown(`${remote}?sslmode=no-verify`)).toBe("unchecked");
    expect(tlsShown(`${remote}?sslmode=verify-full`)).toBe("checked");
    vi.stubEnv("REQUIRE_DATABASE_TLS", "true");
    expect(tlsRefusal(remote)).toMatch(/^reaches crm-db\.example\.com without sslmode: .*; REQUIRE_DATABASE_TLS refuses it$/);
    expect(tlsRefusal(`${remote}?sslmode=verify-full`)).toBeNull();
    expect(tlsRefusal("postgres://r:pw@localhost/c")).toBeNull();
    expect(tlsShown(remote)).toBe("plain text: refused");
    vi.stubEnv("REQUIRE_DATABASE_TLS", "false");
    expect(tlsRefusal(remote)).toBeNull();
  });

  it("under REQUIRE_DATABASE_TLS, keeps every session the portal opens through openClient (sandbox servers', one-off queries) from connecting", async () => {
    vi.stubEnv("REQUIRE_DATABASE_TLS", "true");
    // Refused before any lookup: the host does not resolve, and the error is not the driver's.
    await expect(openClient({ connectionString: `postgres://r:pw@sandbox-db.invalid/postgres` })).rejects.toThrow(TlsRefusedError);
    await expect(oneOffQuery(`postgres://r:pw@sandbox-db.invalid/postgres?sslmode=disable`, "SELECT 1")).rejects.toThrow(
      /^the database URL reaches sandbox-db\.invalid with sslmode=disable: its sessions travel in plain text/,
    );
  });
});
