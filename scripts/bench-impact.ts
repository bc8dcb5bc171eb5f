/**
 * Production impact of a copy: a steady read workload on production (pgbench, point
 * reads of contacts and companies) measured idle, during a copy, and during a copy
 * capped by the rate limit. Prints p50/p99 latency and the ratios to idle.
 *
 *   npm run bench:impact -- [--rows 1000000] [--seconds 10] [--limit-mbps 10]
 *
 * A throwaway embedded PostgreSQL in the temporary folder plays production and the
 * sandbox server (as on a one-box installation: the copy's writes compete too).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { generateProductionDatabase } from "../lib/crm/generator";
import { startLocalServer } from "../lib/db/local-server";
import { oneOffQuery } from "../lib/db/one-off-query";
import { withDatabase } from "../lib/db/urls";
import { EMPTY_CLASSIFICATION } from "../lib/sanitizer/classification";
import { dropSandboxDatabase } from "../lib/sanitizer/drop";
import { provisionSandbox } from "../lib/sanitizer/provision";
import { freePort } from "../lib/testing/free-port";
import { percentile } from "./bench/percentile";

const run = promisify(execFile);
const { values } = parseArgs({
  options: { rows: { type: "string", default: "1000000" }, seconds: { type: "string", default: "10" }, "limit-mbps": { type: "string", default: "10" } },
});
const rows = Number(values.rows);
const seconds = Number(values.seconds);
const limitMBps = Number(values["limit-mbps"]);

const work = await mkdtemp(path.join(tmpdir(), "sandbox-portal-bench-impact-"));
// The folder itself (startLocalServer opens it to the postgres user; a subfolder of a 0700 temp folder would not be).
const server = await startLocalServer({ dataDir: work, port: await freePort(), throwaway: true });
const production = withDatabase(server.adminUrl, "crm_impact");
await oneOffQuery(server.adminUrl, "CREATE DATABASE crm_impact");
console.error(`generating production (small scale + ${rows} ticket messages) …`);
await generateProductionDatabase({ databaseUrl: production, customerId: "Cust31337", companyName: "Impact AS", scale: "small", seed: 7 });
await oneOffQuery(production, `INSERT INTO ticket_message (ticket_id, author_email, body, created_at)
  SELECT (SELECT min(id) FROM ticket), 'someone@example.com', repeat('a long message body ', 20), now() FROM generate_series(1, $1::int)`, [rows]);
await oneOffQuery(production, "VACUUM ANALYZE");
const [size] = await oneOffQuery<{ mb: number }>(production, "SELECT (pg_database_size(current_database()) / 1048576)::int AS mb");

const script = path.join(work, "reads.sql");
const [counts] = await oneOffQuery<{ contacts: number; companies: number }>(production, "SELECT (SELECT max(id) FROM contact) AS contacts, (SELECT max(id) FROM company) AS companies");
await writeFile(script, `\\set c random(1, ${counts!.contacts})\n\\set k random(1, ${counts!.companies})\nSELECT * FROM contact WHERE id = :c;\nSELECT * FROM company WHERE id = :k;\n`);

/** Runs pgbench for `seconds` and returns its per-transaction latencies in ms. */
async function workload(label: string): Promise<number[]> {
  const dir = await mkdtemp(path.join(work, `${label}-`));
  await run("pgbench", ["-n", "-f", script, "-c", "2", "-j", "1", "-T", String(seconds), "-l", `--log-prefix=${path.join(dir, "lat")}`, production]);
  const latencies: number[] = [];
  for (const file of await readdir(dir)) {
    for (const line of (await readFile(path.join(dir, file), "utf8")).split("\n")) {
      const micros = Number(line.split(" ")[2]);
      if (Number.isFinite(micros) && line) latencies.push(micros / 1000);
    }
  }
  return latencies.sort((a, b) => a - b);
}


async function duringCopy(label: string, rateLimitMBps: number) {
  const name = `sbx_impact_${label}`;
  const copy = provisionSandbox({
    productionUrl: production,
    sandboxServerUrl: server.sandboxServerUrl,
    databaseName: name,
    sandboxCustomerId: "Cust313370",
    serviceMailboxAddress: "s@sandbox.invalid",
    options: {},
    classification: EMPTY_CLASSIFICATION,
    rateLimitMBps,
  });
  const started = Date.now();
  // Measure while the copy streams data: from its first table on.
  await new Promise((r) => setTimeout(r, 1500));
  const latencies = await workload(label);
  await copy;
  const copyMs = Date.now() - started;
  await dropSandboxDatabase(server.adminUrl, name);
  return { latencies, copyMs };
}

try {
  const idle = await workload("idle");
  const copy = await duringCopy("copy", 0);
  const limited = await duringCopy("limited", limitMBps);
  const line = (label: string, l: number[], extra = "") => {
    const p50 = percentile(l, 50);
    const p99 = percentile(l, 99);
    const i99 = percentile(idle, 99);
    const i50 = percentile(idle, 50);
    console.log(`${label.padEnd(28)} p50 ${p50.toFixed(2)} ms (×${(p50 / i50).toFixed(2)})  p99 ${p99.toFixed(2)} ms (×${(p99 / i99).toFixed(2)})  ${l.length} transactions${extra}`);
  };
  console.log(`production ${size!.mb} MB; pgbench point reads, 2 clients, ${seconds} s each`);
  line("idle", idle);
  line("during a copy", copy.latencies, `; copy ${(copy.copyMs / 1000).toFixed(1)} s`);
  line(`during a copy at ${limitMBps} MB/s`, limited.latencies, `; copy ${(limited.copyMs / 1000).toFixed(1)} s`);
} finally {
  await server.stop();
}
