/**
 * The lists at scale: a portal database with 1,000 tenants, 10,000 sandboxes, 50,000
 * runs and 200,000 audit rows (scripts/bench/scale-seed.ts, seconds), then EXPLAIN
 * (ANALYZE) of the very SQL the Sandboxes, Orders, Customers and audit pages run for
 * typical filters, so an index change can be judged by its plans. Uses $DATABASE_URL's
 * server when set (a new database on it, dropped afterwards), otherwise a throwaway
 * embedded PostgreSQL.
 *
 *   npm run bench:lists                # a line per query: time, whether an index served it, the plan's nodes
 *   npm run bench:lists -- --plans     # and each plan in full
 *   npm run bench:audit                # the audit log's queries only (--list audit)
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
import { SCALE, seedScale } from "./bench/scale-seed";
import { listBenchCases } from "./bench/list-cases";

const showPlans = process.argv.includes("--plans");
const onlyList = process.argv.includes("--list") ? process.argv[process.argv.indexOf("--list") + 1] : undefined;

let server: LocalServer | undefined;
let dataDir: string | undefined;
let serverUrl = process.env.DATABASE_URL ? withDatabase(process.env.DATABASE_URL, "postgres") : "";
if (!serverUrl) {
  // Not under the project folder or /root: the postgres OS user must reach it.
  dataDir = await mkdtemp(path.join(tmpdir(), "lists-bench-"));
  server = await startLocalServer({ dataDir, port: await freePort(), throwaway: true });
  serverUrl = server.adminUrl;
}
const database = `lists_bench_${process.pid}`;
const url = withDatabase(serverUrl, database);
await oneOffQuery(serverUrl, `CREATE DATABASE ${quoteIdent(database)}`);

const captured: { query: string; params: string }[] = [];
const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }), log: [{ emit: "event", level: "query" }] });
client.$on("query", (e) => captured.push({ query: e.query, params: e.params }));
const explainer = new pg.Client({ connectionString: url });

try {
  await applyMigrations(url);
  const started = performance.now();
  await seedScale(url);
  console.log(
    `seeded ${SCALE.tenants} tenants, ${SCALE.sandboxes} sandboxes, ${SCALE.runs} runs, ${SCALE.auditRows} audit rows in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await explainer.connect();
  for (const bench of await listBenchCases(explainer)) {
    if (onlyList && bench.list !== onlyList) continue;
    captured.length = 0;
    await bench.run(client);
    const main = captured.find((c) => bench.isMain(c.query));
    if (!main) throw new Error(`no query captured for ${bench.label}`);
    const { rows } = await explainer.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${main.query}`, JSON.parse(main.params) as unknown[]);
    const plan = rows.map((r) => r["QUERY PLAN"]);
    const time = plan.find((l) => l.startsWith("Execution Time"))?.replace("Execution Time: ", "") ?? "?";
    // The plan's nodes only (not their keys and methods), on one line.
    const nodes = plan.map((l) => l.trim().replace(/^->\s*/, "")).filter((l) => / \(cost=/.test(l)).map((l) => l.replace(/\s+\(cost.*$/, ""));
    // "index" when every table was read through an index; otherwise the tables read whole.
    const scanned = [...new Set(nodes.filter((n) => n.startsWith("Seq Scan")).map((n) => n.replace(/^Seq Scan on "?(\w+)"?.*$/, "$1")))];
    const access = scanned.length ? `seq scan: ${scanned.join(", ")}` : "index";
    console.log(`${`${bench.list}: ${bench.label}`.padEnd(56)} ${time.padStart(10)}  ${access.padEnd(22)}  ${nodes.join(" > ")}`);
    if (showPlans) console.log(`${plan.map((l) => `    ${l}`).join("\n")}\n`);
  }
} finally {
  await explainer.end().catch(() => undefined);
  await client.$disconnect();
  await oneOffQuery(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`).catch(() => undefined);
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
