import { afterEach, describe, expect, it, vi } from "vitest";

const valid = {
  DATABASE_URL: "postgres://portal:pw@localhost:5432/portal",
  SANDBOX_SERVER_URL: "postgres://sandbox_maker:pw@localhost:5432/postgres",
  NEXTAUTH_SECRET: "x".repeat(32),
  DATABASE_SECRETS_KEY: Buffer.alloc(32, 7).toString("base64"),
};

/** env() as a process started with `vars` reads it: checked once, then cached, so a fresh module each time. */
async function startWith(vars: Record<string, string>) {
  vi.unstubAllEnvs();
  vi.stubEnv("REQUIRE_DATABASE_TLS", undefined);
  for (const [name, value] of Object.entries({ ...valid, ...vars })) vi.stubEnv(name, value);
  vi.resetModules();
  const { env } = await import("./env");
  return env;
}

afterEach(() => vi.unstubAllEnvs());

describe("SANDBOX_SERVER_URL at start-up", () => {
  it("refuses a URL that sets its sessions' own settings: they would override the portal's on the built-in server, and every refresh's carry-over refused it", async () => {
    const env = await startWith({ SANDBOX_SERVER_URL: "postgres://sandbox_maker:secret-pw@localhost:5432/postgres?sslmode=disable&options=-c%20statement_timeout%3D0" });
    expect(env).toThrow(/SANDBOX_SERVER_URL: may carry only TLS and connection settings .* as parameters, not options: the portal sets its sessions' own settings/);
    expect(env).not.toThrow(/secret-pw/);
    expect((await startWith({ SANDBOX_SERVER_URL: "postgres://sandbox_maker:pw@localhost:5432/postgres?sslmode=disable&application_name=x" }))().SANDBOX_SERVER_URL).toMatch(/application_name=x$/);
  });
});

describe("REQUIRE_DATABASE_TLS at start-up", () => {
  it("refuses the portal's database and the built-in sandbox server reached over the network without checked TLS, naming each", async () => {
    const env = await startWith({
      REQUIRE_DATABASE_TLS: "true",
      DATABASE_URL: "postgres://portal:secret-pw@portal-db.example.com/portal",
      SANDBOX_SERVER_URL: "postgres://sandbox_maker:secret-pw@sandbox-db.example.com/postgres?sslmode=no-verify",
    });
    expect(env).toThrow(/DATABASE_URL: reaches portal-db\.example\.com without sslmode: its sessions travel in plain text; .*REQUIRE_DATABASE_TLS refuses it/);
    expect(env).toThrow(/SANDBOX_SERVER_URL: reaches sandbox-db\.example\.com with sslmode=no-verify: its sessions travel to whoever answers/);
    expect(env).not.toThrow(/secret-pw/);
  });

  it("takes checked TLS, and loopback, and leaves the URLs alone when not required", async () => {
    const required = await startWith({ REQUIRE_DATABASE_TLS: "true", DATABASE_URL: "postgres://portal:pw@portal-db.example.com/portal?sslmode=verify-full" });
    expect(required().REQUIRE_DATABASE_TLS).toBe(true);
    const notRequired = await startWith({ DATABASE_URL: "postgres://portal:pw@portal-db.example.com/portal" });
    expect(notRequired().REQUIRE_DATABASE_TLS).toBe(false);
    expect(await startWith({ REQUIRE_DATABASE_TLS: "yes" })).toThrow(/REQUIRE_DATABASE_TLS/);
  });
});

describe("a variable set to nothing", () => {
  it("counts as unset, as every variable's default, never as 0", async () => {
    const env = await startWith({ AUDIT_RETENTION_DAYS: "", WORKER_CONCURRENCY: " ", TRUSTED_PROXY_HOPS: "", API_RATE_LIMIT_PER_MINUTE: "" });
    // It refused the start ("must be at least 90 days"); unset, the audit log is kept for ever.
    expect(env().AUDIT_RETENTION_DAYS).toBeUndefined();
    expect(env().TRUSTED_PROXY_HOPS).toBeUndefined();
    expect(env()).toMatchObject({ WORKER_CONCURRENCY: 1, API_RATE_LIMIT_PER_MINUTE: 120 });
  });
});

describe("WORKER_METRICS_PORT", () => {
  it("needs METRICS_TOKEN, as a worker's metrics are never served open", async () => {
    expect(await startWith({ WORKER_METRICS_PORT: "9464" })).toThrow(/WORKER_METRICS_PORT: needs METRICS_TOKEN/);
    expect((await startWith({ WORKER_METRICS_PORT: "9464", METRICS_TOKEN: "t".repeat(16) }))().WORKER_METRICS_PORT).toBe(9464);
    expect(await startWith({ WORKER_METRICS_PORT: "70000", METRICS_TOKEN: "t".repeat(16) })).toThrow(/WORKER_METRICS_PORT/);
  });
});

describe("WEBHOOK_CA_FILE", () => {
  it("must name a readable file of PEM certificates: a mistyped path failed every webhook delivery, a file of no certificate was trusted as none", async () => {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const tls = await import("node:tls");
    const dir = await mkdtemp(path.join(tmpdir(), "webhook-ca-"));
    const good = path.join(dir, "ca.pem");
    await writeFile(good, `${tls.rootCertificates[0]}\n${tls.rootCertificates[1]}\n`);
    const notPem = path.join(dir, "ca.der");
    await writeFile(notPem, "not a certificate");
    const broken = path.join(dir, "broken.pem");
    await writeFile(broken, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

    expect((await startWith({ WEBHOOK_CA_FILE: good }))().WEBHOOK_CA_FILE).toBe(good);
    expect(await startWith({ WEBHOOK_CA_FILE: path.join(dir, "missing.pem") })).toThrow(/WEBHOOK_CA_FILE: cannot be read/);
    expect(await startWith({ WEBHOOK_CA_FILE: dir })).toThrow(/WEBHOOK_CA_FILE: cannot be read/);
    expect(await startWith({ WEBHOOK_CA_FILE: notPem })).toThrow(/WEBHOOK_CA_FILE: holds no PEM certificate/);
    expect(await startWith({ WEBHOOK_CA_FILE: broken })).toThrow(/WEBHOOK_CA_FILE: .*not a certificate/);
  });
});

describe("TRUSTED_PROXIES", () => {
  it("is checked with the rest at start: a malformed entry let the launcher migrate and seed, then the web server died on it with a stack trace", async () => {
    expect(await startWith({ TRUSTED_PROXIES: "proxy.internal" })).toThrow(/TRUSTED_PROXIES: "proxy.internal" is not an IP address or CIDR range/);
    expect(await startWith({ TRUSTED_PROXIES: "10.0.0.0/" })).toThrow(/TRUSTED_PROXIES: "10.0.0.0\/" is not/);
    expect((await startWith({ TRUSTED_PROXIES: "10.0.0.0/8, 192.0.2.7, ::1" }))().TRUSTED_PROXIES).toBe("10.0.0.0/8, 192.0.2.7, ::1");
  });
});
