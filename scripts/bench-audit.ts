/**
 * The audit log at scale: a portal database with 1,000 tenants, 10,000 sandboxes
 * and 200,000 audit rows (one INSERT … SELECT generate_series each, seconds), then
 * EXPLAIN (ANALYZE) of the very SQL the audit page runs for typical filters, so an
 * index change can be judged by its plans. Uses $DATABASE_URL's server when set (a
 * new database on it, dropped afterwards), otherwise a throwaway embedded PostgreSQL.
 *
 *   npm run bench:audit            # a summary line per query
 *   npm run bench:audit -- --plans # and each plan in full
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../lib/generated/portal/client";
import { startLocalServer, type LocalServer } from "../lib/db/local-server";
import { applyMigrations } from "../lib/db/migrate";
import { oneOffQuery } from "../lib/db/one-off-query";
import { quoteIdent, withDatabase } from "../lib/db/urls";
import { freePort } from "../lib/testing/free-port";
import type { Actor } from "../lib/auth/policy";
import { listAuditEvents } from "../lib/audit/queries";
import { parseAuditQuery } from "../lib/audit/schema";
import { AUDIT_SCALE, seedAuditScale } from "./bench/audit-scale-seed";

const showPlans = process.argv.includes("--plans");

let server: LocalServer | undefined;
let dataDir: string | undefined;
let serverUrl = process.env.DATABASE_URL ? withDatabase(process.env.DATABASE_URL, "postgres") : "";
if (!serverUrl) {
  // Not under the project folder or /root: the postgres OS user must reach it.
  dataDir = await mkdtemp(path.join(tmpdir(), "audit-bench-"));
  server = await startLocalServer({ dataDir, port: await freePort(), throwaway: true });
  serverUrl = server.adminUrl;
}
const database = `audit_bench_${process.pid}`;
const url = withDatabase(serverUrl, database);
await oneOffQuery(serverUrl, `CREATE DATABASE ${quoteIdent(database)}`);

const captured: { query: string; params: string }[] = [];
const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }), log: [{ emit: "event", level: "query" }] });
client.$on("query", (e) => captured.push({ query: e.query, params: e.params }));
const explainer = new pg.Client({ connectionString: url });

try {
  await applyMigrations(url);
  const started = performance.now();
  await seedAuditScale(url);
  console.log(`seeded ${AUDIT_SCALE.tenants} tenants, ${AUDIT_SCALE.sandboxes} sandboxes, ${AUDIT_SCALE.auditRows} audit rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await explainer.connect();
  const { rows: middle } = await explainer.query<{ createdAt: Date; id: string }>(
    `SELECT "createdAt", id FROM "AuditEvent" ORDER BY "createdAt" DESC, id DESC OFFSET ${AUDIT_SCALE.auditRows / 2} LIMIT 1`,
  );
  const deep = `${middle[0]!.createdAt.toISOString()}_${middle[0]!.id}`;
  const operator: Actor = { id: "u_staff_1", email: "", name: "", role: "OPERATOR", tenantId: null, tenantName: null, customerId: null };
  const admin: Actor = { ...operator, id: "u_500_1", role: "CUSTOMER_ADMIN", tenantId: "t_500" };
  const cases: [string, Actor, Record<string, string>][] = [
    ["staff, newest page", operator, {}],
    ["staff, page 2,000 (cursor)", operator, { before: deep }],
    ["customer admin, newest page", admin, {}],
    ["customer admin, URL asks for another tenant", admin, { tenant: "Cust10001" }],
    ["staff, one customer", operator, { tenant: "Cust10500" }],
    ["staff, a rare action", operator, { action: "tenant.copyRate.changed" }],
    ["staff, a common action", operator, { action: "checklist.ticked" }],
    ["staff, who = an admin's name", operator, { who: "Admin 42 " }],
    ["staff, sandbox name", operator, { sandbox: "Sandbox 1234" }],
    ["staff, one week", operator, { from: "2026-06-01", to: "2026-06-07" }],
  ];
  for (const [label, actor, raw] of cases) {
    const parsed = parseAuditQuery(raw);
    if (!parsed.ok) throw new Error(parsed.problems.join("; "));
    captured.length = 0;
    await listAuditEvents(actor, parsed.query, { client });
    // The page's own query: the one that reads AuditEvent rows in order.
    const main = captured.find((c) => c.query.includes('FROM "public"."AuditEvent"') && c.query.includes("ORDER BY"));
    if (!main) throw new Error(`no audit query captured for ${label}`);
    const { rows } = await explainer.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${main.query}`, JSON.parse(main.params) as unknown[]);
    const plan = rows.map((r) => r["QUERY PLAN"]);
    const time = plan.find((l) => l.startsWith("Execution Time"))?.replace("Execution Time: ", "") ?? "?";
    // The plan's nodes only (not their keys and methods), on one line.
    const nodes = plan.map((l) => l.trim().replace(/^->\s*/, "")).filter((l) => / \(cost=/.test(l)).map((l) => l.replace(/\s+\(cost.*$/, ""));
    console.log(`${label.padEnd(46)} ${time.padStart(12)}  ${nodes.join(" > ")}`);
    if (showPlans) console.log(`${plan.map((l) => `    ${l}`).join("\n")}\n`);
  }
} finally {
  await explainer.end().catch(() => undefined);
  await client.$disconnect();
  await oneOffQuery(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`).catch(() => undefined);
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
