/**
 * Dry-run benchmark: the wizard's review step must answer in < 500 ms on a medium
 * production database. Generates a medium database once and reuses it (in
 * $BENCH_DATA_DIR, default <tmp>/sandbox-portal-bench-dry-run; or on $DATABASE_URL's
 * server when set), then times the dry run as the app runs it: a read-only
 * connection, the catalog read, the aggregate statement, the example rewrites. The
 * classification is the file's defaults (what a tenant without its own copies by).
 *
 *   npm run bench:dry-run -- [runs=9] [scale=medium]
 */
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startLocalServer, type LocalServer } from "../lib/db/local-server";
import { quoteIdent, withDatabase } from "../lib/db/urls";
import { openProductionClient } from "../lib/crm/read-only";
import { generateProductionDatabase } from "../lib/crm/generator";
import { progressBar } from "../lib/crm/generator/progress-bar";
import { isScale, type Scale } from "../lib/crm/generator/scales";
import { freePort } from "../lib/testing/free-port";
import { loadClassification } from "../lib/sanitizer/classification";
import { sandboxOptionsSchema } from "../lib/sanitizer/options";
import { runDryRun } from "../lib/wizard/dry-run";

const runs = Number(process.argv[2] ?? 9);
const scaleArg = process.argv[3] ?? "medium";
if (!Number.isInteger(runs) || runs < 1 || !isScale(scaleArg)) {
  console.error("usage: bench:dry-run [runs=9] [small|medium|large]");
  process.exit(2);
}
const scale: Scale = scaleArg;
const BUDGET_MS = 500;

let server: LocalServer | undefined;
let serverUrl = process.env.DATABASE_URL ? withDatabase(process.env.DATABASE_URL, "postgres") : "";
if (!serverUrl) {
  const dataDir = process.env.BENCH_DATA_DIR ?? path.join(tmpdir(), "sandbox-portal-bench-dry-run");
  server = await startLocalServer({ dataDir, port: await freePort() });
  serverUrl = server.adminUrl;
}

const database = `crm_bench_dry_run_${scale}`;
const databaseUrl = withDatabase(serverUrl, database);

/** Reuses a complete database from an earlier run; a half-made one (no installation row) is made again. */
async function ensureDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database])).rowCount === 1;
    if (exists) {
      const probe = new pg.Client({ connectionString: databaseUrl });
      await probe.connect();
      const complete = await probe
        .query("SELECT count(*)::int AS n FROM installation")
        .then((r) => r.rows[0]?.n === 1)
        .catch(() => false);
      await probe.end();
      if (complete) {
        console.error(`reusing ${database}`);
        return;
      }
      await admin.query(`DROP DATABASE ${quoteIdent(database)} WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${quoteIdent(database)}`);
  } finally {
    await admin.end();
  }
  console.error(`generating a ${scale} production database (once; later runs reuse it)…`);
  const bar = progressBar();
  const result = await generateProductionDatabase({ databaseUrl, customerId: "Cust10001", companyName: "Benchmark AS", scale, seed: 1, onProgress: bar.update });
  bar.done();
  console.error(`generated ${result.rows.toLocaleString("en")} rows, ${(result.bytes / 2 ** 20).toFixed(0)} MiB`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

try {
  await ensureDatabase();
  const setup = await openProductionClient(databaseUrl);
  const { rows } = await setup.query<{ id: number }>("SELECT id FROM public.associate WHERE can_login ORDER BY id LIMIT 50");
  const sizes = await setup.query<{ rows: string; mib: string }>(
    "SELECT (SELECT sum(n_live_tup) FROM pg_stat_user_tables)::text AS rows, (pg_database_size(current_database()) / 1048576)::text AS mib",
  );
  await setup.end();
  // Realistic choices that exercise every filter: 50 users, two tasks kept, documents since a date, attachments.
  const options = sandboxOptionsSchema.parse({
    users: rows.map((r, i) => ({ associateId: r.id, userPlan: i % 2 ? "sales-premium" : "service-premium" })),
    keepEnabledTaskIds: [1, 3],
    documents: { mode: "since", since: "2024-01-01" },
    serviceAttachments: true,
  });

  const classification = await loadClassification();
  const total: number[] = [];
  const query: number[] = [];
  let last;
  for (let i = 0; i < runs + 1; i++) {
    const started = performance.now();
    const client = await openProductionClient(databaseUrl);
    try {
      last = await runDryRun(client, options, classification);
    } finally {
      await client.end();
    }
    if (i === 0) continue; // the first run warms the server's caches
    total.push(performance.now() - started);
    query.push(last.durationMs);
  }
  const m = median(total);
  console.log(`database        ${database} (${scale}, ~${Number(sizes.rows[0]?.rows ?? 0).toLocaleString("en")} rows, ${sizes.rows[0]?.mib} MiB)`);
  console.log(`runs            ${runs} (after 1 warm-up)`);
  console.log(`dry run median  ${m.toFixed(0)} ms including the read-only connection (min ${Math.min(...total).toFixed(0)}, max ${Math.max(...total).toFixed(0)})`);
  console.log(`query median    ${median(query).toFixed(0)} ms (statement only)`);
  console.log(`budget          ${BUDGET_MS} ms: ${m < BUDGET_MS ? "OK" : "OVER"}`);
  console.log(`figures         ${JSON.stringify({ ...last, webPanelExamples: last?.webPanelExamples.length })}`);
  if (m >= BUDGET_MS) process.exitCode = 1;
} finally {
  await server?.stop();
}
