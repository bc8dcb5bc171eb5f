/**
 * `npm run bench:pages`: page speed at scale. Builds the app when there is no
 * build (`next build`; rebuild yourself after changing code), starts `next start`
 * (behind scripts/portal-server.ts, like `npm start`) on a free port against a
 * throwaway embedded PostgreSQL filled by the scale seed (1,000 tenants, 10,000
 * sandboxes, 200,000 audit rows) plus the demo tenants and accounts, signs in as
 * the demo operator (with a TOTP code) and a demo customer admin, and drives each
 * main page with autocannon: 10 connections, 5 s each (BENCH_SECONDS to change).
 * Prints p50, p95 and requests/s per page. The in-app worker is off: pages only.
 * BENCH_HOLD=1 prints the address and both session cookies and keeps the server up
 * until Ctrl-C, for measuring by hand.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../lib/testing/free-port";
import { oneOffQuery } from "../lib/db/one-off-query";
import { DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET, DEMO_TENANTS } from "./demo-accounts";
import { seedScale } from "./bench/scale-seed";
import { formatTable, loadPage, signInCookie, type PageFigures } from "./bench/page-load";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
/** BENCH_PAGES=/sandboxes,/audit measures only pages whose path starts with one of these. */
const only = process.env.BENCH_PAGES?.split(",").filter(Boolean);
/** BENCH_CPU_PROFILE=DIR writes the server's V8 CPU profile there when it stops (open it in Chrome's DevTools). */
const profileDir = process.env.BENCH_CPU_PROFILE;

if (!existsSync(".next/BUILD_ID")) {
  console.error("no production build: running `next build` first");
  if (spawnSync("npx", ["next", "build"], { stdio: "inherit" }).status !== 0) process.exit(1);
}

const dataDir = mkdtempSync(path.join(tmpdir(), "sandbox-portal-bench-pages-"));
chmodSync(dataDir, 0o755); // the postgres OS user must enter it
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
Object.assign(process.env, { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), NEXTAUTH_URL: baseUrl, OUTBOX_DIR: path.join(dataDir, "outbox"), WORKER_IN_APP: "false" });
delete process.env.DATABASE_URL;

// Imported once the environment above is set.
const { bootstrap } = await import("../lib/startup/bootstrap");
const { localServer } = await bootstrap();
let server: ReturnType<typeof spawn> | undefined;
try {
  const url = process.env.DATABASE_URL!;
  const started = performance.now();
  await seedScale(url);
  // The scale seed numbers its customers from Cust10001, as the demo tenants are: its namesakes step aside.
  await oneOffQuery(url, `UPDATE "Tenant" SET "customerId" = 'Cust9' || substr("customerId", 5) WHERE "customerId" = ANY($1)`, [DEMO_TENANTS.map((t) => t.customerId)]);
  const { seedDemoData } = await import("./seed");
  await seedDemoData({ log: () => undefined, embedded: localServer !== null });
  // Every scale customer gets a production to measure: the first demo tenant's (one real database, read-only).
  const { openSecret, sealSecret } = await import("../lib/secrets/secret-box");
  const [nordlys] = await oneOffQuery<{ sealed: string }>(url, `SELECT "productionUrlEncrypted" AS sealed FROM "Tenant" WHERE "customerId" = $1`, [DEMO_TENANTS[0].customerId]);
  await oneOffQuery(url, `UPDATE "Tenant" SET "productionUrlEncrypted" = $1 WHERE "productionUrlEncrypted" = 'sealed'`, [sealSecret(openSecret(nordlys!.sealed))]);
  const [customer] = await oneOffQuery<{ tenantId: string; id: string }>(url, `SELECT "tenantId", id FROM "User" WHERE email = 'admin@nordlys.example'`);
  await oneOffQuery(url, `INSERT INTO "Sandbox" (id, "tenantId", name, status, "planCounts", "orderedById")
    SELECT 'demo_s_' || k, $1, 'Demo sandbox ' || k, 'READY', '{}', $2 FROM generate_series(1, 10) k`, [customer!.tenantId, customer!.id]);
  console.error(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s; starting next start on ${baseUrl}`);

  server = spawn(process.execPath, [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir)}`] : []), "--import", "tsx", "scripts/portal-server.ts", "start", "-p", String(port), "-H", "127.0.0.1"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
  });
  await waitForHealth(baseUrl);

  const operator = await signInCookie(baseUrl, "operator@sandbox-portal.example", DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET);
  const admin = await signInCookie(baseUrl, "admin@nordlys.example", DEMO_PASSWORD);
  // The lists that render every row of 10,000 come last: they may take the server down with them.
  const plan: [string, string, string][] = [
    ["/sandboxes", "customer admin", admin],
    ["/sandboxes/new", "customer admin", admin],
    ["/orders", "customer admin", admin],
    ["/audit", "customer admin", admin],
    ["/sandboxes/demo_s_1", "customer admin", admin],
    ["/sandboxes/new", "operator", operator],
    ["/audit", "operator", operator],
    ["/operations", "operator", operator],
    ["/sandboxes/s_500_5", "operator", operator],
    ["/tenants", "operator", operator],
    ["/orders", "operator", operator],
    ["/sandboxes", "operator", operator],
  ];
  if (process.env.BENCH_HOLD) {
    // For profiling by hand: the seeded server stays up with these sessions until Ctrl-C.
    console.log(JSON.stringify({ baseUrl, operator, admin }));
    await new Promise((resolve) => process.once("SIGINT", resolve));
  }
  const rows: PageFigures[] = [];
  for (const [page, as, cookie] of plan.filter(([page]) => !only || only.some((prefix) => page.startsWith(prefix)))) {
    rows.push(await loadPage(baseUrl, page, as, cookie, { seconds }).catch((error: Error) => ({ page, as, p50: NaN, p95: NaN, perSecond: NaN, requests: 0, failure: error.message })));
    console.error(`measured ${page} as ${as}`);
  }
  console.log(`\n10 connections, ${seconds} s per page, one next start process, 1,000 tenants / 10,000 sandboxes / 200,000 audit rows\n`);
  console.log(formatTable(rows));
  if (rows.some((r) => r.failure)) process.exitCode = 1;
} finally {
  // The server stops first, so no request still in flight meets a database that is going away.
  if (server && server.exitCode === null) await new Promise((resolve) => server!.once("exit", resolve).kill("SIGTERM"));
  await localServer?.stop().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
}

async function waitForHealth(base: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("next start did not answer /api/health within 60 s");
}
