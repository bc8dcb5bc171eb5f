/**
 * Generation benchmark: builds a CRM production database (default: medium) and
 * prints rows, rows/second and size. Uses $DATABASE_URL's server when set (a new
 * database on it, dropped afterwards), otherwise a throwaway embedded PostgreSQL.
 *
 *   npm run bench:generate -- [small|medium|large] [seed]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startLocalServer, type LocalServer } from "../lib/db/local-server";
import { quoteIdent, redactUrl, withDatabase } from "../lib/db/urls";
import { generateProductionDatabase } from "../lib/crm/generator";
import { progressBar } from "../lib/crm/generator/progress-bar";
import { isScale } from "../lib/crm/generator/scales";
import { freePort } from "../lib/testing/free-port";
import { oneOffQuery } from "../lib/db/one-off-query";

const scale = process.argv[2] ?? "medium";
const seed = Number(process.argv[3] ?? 1);
if (!isScale(scale) || !Number.isInteger(seed)) {
  console.error("usage: bench:generate [small|medium|large] [seed]");
  process.exit(2);
}


let server: LocalServer | undefined;
let dataDir: string | undefined;
let serverUrl = process.env.DATABASE_URL ? withDatabase(process.env.DATABASE_URL, "postgres") : "";
if (!serverUrl) {
  // Not under the project folder or /root: the postgres OS user must reach it.
  dataDir = await mkdtemp(path.join(tmpdir(), "crm-bench-"));
  server = await startLocalServer({ dataDir, port: await freePort(), throwaway: true });
  serverUrl = server.adminUrl;
}

const database = `crm_bench_${scale}_${process.pid}`;
const databaseUrl = withDatabase(serverUrl, database);
await oneOffQuery(serverUrl, `CREATE DATABASE ${quoteIdent(database)}`);
console.error(`generating ${scale} (seed ${seed}) into ${redactUrl(databaseUrl)}`);

const bar = scale === "small" ? undefined : progressBar();
const started = performance.now();
try {
  const result = await generateProductionDatabase({
    databaseUrl,
    customerId: "Cust10001",
    companyName: "Benchmark Industrier AS",
    scale,
    seed,
    onProgress: bar?.update,
  });
  bar?.done();
  const seconds = (performance.now() - started) / 1000;
  console.log(`scale        ${scale}`);
  console.log(`rows         ${result.rows.toLocaleString("en")}`);
  console.log(`seconds      ${seconds.toFixed(1)}`);
  console.log(`rows/second  ${Math.round(result.rows / seconds).toLocaleString("en")}`);
  console.log(`bytes        ${result.bytes.toLocaleString("en")} (${(result.bytes / 2 ** 20).toFixed(0)} MiB on disk)`);
  console.log(`peak RSS     ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  for (const [table, rows] of Object.entries(result.tables)) console.log(`  ${table.padEnd(18)} ${rows.toLocaleString("en")}`);
} finally {
  await oneOffQuery(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`).catch(() => undefined);
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
