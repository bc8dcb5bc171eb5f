/**
 * npm run bench [-- --scale small|medium|large] [--seed N]
 *
 * On a throwaway embedded PostgreSQL 15: generate a production database, then time
 *   (a) pg_dump -Fc | pg_restore into a fresh database (the usual way to copy),
 *   (a') pg_dump -Fd -j N -Z0, then pg_restore -j N, N the cores (the best logical copy),
 *   (b) CREATE DATABASE ... TEMPLATE (a file-level copy: the physical floor), before
 *       and after (c) and (c'), the faster of the two counted,
 *   (c) provisionSandbox with default options (copy + sanitize + verify), in a
 *       child process whose peak RSS is the worker's,
 *   (c') provisionSandbox copying everything (documents and attachments too), to
 *       show what the rules' skipped rows are worth,
 *   (p) provisionSandbox of a partial sandbox, 10 % of companies (rule 17),
 *   (k) provisionSandbox of a configuration-only sandbox (rule 17),
 *   the kinds side by side, each as a worker process's first run and as a later run
 *   (a running worker has loaded its code and the sandbox's query engine once),
 *   (s) provisionSandbox of a full copy with personal data pseudonymised (rule 18).
 * Targets: c/a <= 0.8, worker RSS < 300 MB; (p) at most 0.25× (c), (k) under 3 s
 * and (s) at most 2× (c) inside the worker on the medium scale.
 * After each copy: its CPU time, the worker's and the server's (production's backends,
 * the sandbox's, the server's own processes) where /proc can tell, against the cores'
 * time over the copy: on a small machine, a copy that keeps every core busy cannot get
 * faster by working in parallel, only by working less.
 * The room each kind reserves on its sandbox server before it writes (its expected
 * size), beside the size it took.
 * --phases also prints where (c), (p), (k) and (s) spent their time, phase by phase.
 * --only-personal-data times just (c) and (s), side by side.
 * --only-copy-speed times just (b), (c) and (c'), for work on the copy's speed.
 * --cpu-prof DIR writes each copy's V8 CPU profiles there (one per thread of its worker
 *   process), to open in Chrome's DevTools: where the worker's own time went.
 * Last, one machine-readable line of the ratios and the copies' CPU core-seconds:
 *   bench medium c/a=… c/a'=… c/b=… c'/b=… p/c=… p/c_later=… k_s=… s/c=… cpu_c=… cpu_s=… rss_mb=…
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { generateProductionDatabase } from "../lib/crm/generator";
import type { Scale } from "../lib/crm/generator/scales";
import { startLocalServer } from "../lib/db/local-server";
import { quoteIdent, withDatabase } from "../lib/db/urls";
import type { SandboxOptionsInput } from "../lib/sanitizer/options";
import { freePort } from "../lib/testing/free-port";
import { oneOffQuery } from "../lib/db/one-off-query";
import { ServerCpuSampler, serverTotalMs, type ServerCpu } from "./bench/server-cpu";
import { workerProcessEnv } from "../lib/worker/worker-process-env";
import { nodeCommand, WORKER_BUNDLE_ENV } from "../lib/worker/node-command";
import { buildWorkerBundle } from "./worker-bundle.mjs";

const { values } = parseArgs({ options: { scale: { type: "string", default: "medium" }, seed: { type: "string", default: "1" }, phases: { type: "boolean", default: false }, "only-personal-data": { type: "boolean", default: false }, "only-copy-speed": { type: "boolean", default: false }, "cpu-prof": { type: "string" } } });
const scale = values.scale as Scale;
if (!["small", "medium", "large"].includes(scale)) throw new Error(`--scale must be small, medium or large, not ${scale}`);


async function timed<T>(label: string, run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  process.stdout.write(`${label} ... `);
  const started = performance.now();
  const value = await run();
  const ms = performance.now() - started;
  process.stdout.write(`${(ms / 1000).toFixed(2)} s\n`);
  return { ms, value };
}

/** pg_dump's stdout straight into pg_restore's stdin: no dump file on disk. */
function dumpRestore(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const dump = spawn("pg_dump", ["-Fc", "--no-owner", "--no-privileges", "-d", from], { stdio: ["ignore", "pipe", "inherit"] });
    const restore = spawn("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "-d", to], { stdio: ["pipe", "inherit", "inherit"] });
    dump.stdout.pipe(restore.stdin);
    let pending = 2;
    const done = (name: string) => (code: number | null) => {
      if (code !== 0) reject(new Error(`${name} exited with ${code}`));
      else if (--pending === 0) resolve();
    };
    dump.on("exit", done("pg_dump"));
    restore.on("exit", done("pg_restore"));
  });
}

/** A spawned tool, to its end: rejects on a non-zero exit. */
function runTool(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
    proc.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}

/** The fastest logical copy pg_dump offers: a directory dump, uncompressed, N tables at a time each way. */
async function parallelDumpRestore(from: string, to: string): Promise<void> {
  const jobs = String(availableParallelism());
  const dir = path.join(await mkdtemp(path.join(tmpdir(), "sandbox-portal-bench-dump-")), "dump");
  try {
    await runTool("pg_dump", ["-Fd", "-j", jobs, "-Z0", "--no-owner", "--no-privileges", "-f", dir, "-d", from]);
    await runTool("pg_restore", ["-j", jobs, "--no-owner", "--no-privileges", "--exit-on-error", "-d", to, dir]);
  } finally {
    await rm(path.dirname(dir), { recursive: true, force: true });
  }
}

interface ChildResult {
  ms: number;
  rows: number;
  bytes: number;
  maxRssBytes: number;
  /** The room the copy would reserve on its sandbox server (lib/sanitizer/expected-size.ts), and its size once made. */
  expectedBytes: number;
  sizeBytes: number | null;
  /** The median of later runs in the same process (runs > 1): what a running worker pays per run. */
  laterMs: number | null;
  /** Phase → ms (lib/sanitizer/phase-times.ts) of the first run, and of the last; some overlap. */
  phases: Record<string, number>;
  laterPhases: Record<string, number>;
  /** The worker's CPU time, all runs. */
  cpuMs: number;
}

/** A copy in its child process, with where the machine's CPU went meanwhile. */
interface Copy extends ChildResult {
  /** The child's wall time, process start-up included. */
  wallMs: number;
  /** The server's side, when /proc can tell (scripts/bench/server-cpu.ts). */
  server?: ServerCpu;
}

/** Rule 18's secret for the pseudonymised copies: fixed, so runs draw the same pseudonyms. */
const BENCH_SECRET = "bench-pseudonym-secret";

async function provisionInChild(productionUrl: string, serverUrl: string, databaseName: string, options: SandboxOptionsInput, runs = 1): Promise<Copy> {
  const sampler = await ServerCpuSampler.start(server.adminUrl, new URL(productionUrl).pathname.slice(1), databaseName);
  const started = performance.now();
  const [run] = await Promise.allSettled([runChild(productionUrl, serverUrl, databaseName, options, runs)]);
  const wallMs = performance.now() - started;
  const serverCpu = await sampler?.stop();
  if (run.status === "rejected") throw run.reason;
  return { ...run.value, wallMs, ...(serverCpu ? { server: serverCpu } : {}) };
}

/** A copy's CPU time in core-seconds: the worker's, and the server's when known. */
const coreSeconds = (copy: Copy) => (copy.cpuMs + (copy.server ? serverTotalMs(copy.server) : 0)) / 1000;

/** Where the CPU went while a copy ran, and how much of the machine's cores that was. */
function printCpu(copy: Copy): void {
  const cores = availableParallelism();
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const server = copy.server
    ? `, production ${seconds(copy.server.productionMs)}, sandbox ${seconds(copy.server.sandboxMs)}, server's own ${seconds(copy.server.serverOwnMs)}`
    : " (the server's share is not readable here)";
  const available = (copy.wallMs / 1000) * cores;
  console.log(`  CPU: worker ${seconds(copy.cpuMs)}${server}: ${coreSeconds(copy).toFixed(1)} of ${available.toFixed(1)} core-seconds on ${cores} cores (${((coreSeconds(copy) / available) * 100).toFixed(0)} %)`);
}

function runChild(productionUrl: string, serverUrl: string, databaseName: string, options: SandboxOptionsInput, runs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const profile = values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(values["cpu-prof"])}`] : [];
    const [command, ...args] = nodeCommand("provision-child", profile, { [WORKER_BUNDLE_ENV]: workerBundle });
    const proc = spawn(command!, [...args, JSON.stringify({ productionUrl, sandboxServerUrl: serverUrl, databaseName, options, runs, pseudonymSecret: BENCH_SECRET })], {
      // As a worker process starts, so its peak RSS is a worker's.
      env: workerProcessEnv(process.env),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    proc.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    proc.on("exit", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code === 0) resolve(JSON.parse(last) as ChildResult);
      else reject(last.startsWith(`{"refused"`) ? new RefusedCopy((JSON.parse(last) as { refused: string }).refused) : new Error(`provision exited with ${code}`));
    });
  });
}

/** A copy the portal refused, with its reason: printed as a finding, the other measurements go on. */
class RefusedCopy extends Error {}

/** timed(), then where the CPU went. */
async function timedCopy(label: string, run: () => Promise<Copy>): Promise<{ ms: number; value: Copy }> {
  const copy = await timed(label, run);
  printCpu(copy.value);
  return copy;
}

/** Each copy is dropped once measured: the disk holds production and one copy at a time (the large scale is 5.4 GB each). */
async function dropDatabases(adminUrl: string, ...names: string[]): Promise<void> {
  await Promise.all(names.map((name) => oneOffQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)}`)));
  await settle(adminUrl);
}

/**
 * Flushes what the last step wrote, the server's and the kernel's, so the next
 * measurement does not pay for it: a partial copy timed right after the pg_dump
 * anchors spent twice as long creating its database and tables.
 */
async function settle(adminUrl: string): Promise<void> {
  await oneOffQuery(adminUrl, "CHECKPOINT");
  await new Promise<void>((resolve, reject) => spawn("sync", { stdio: "ignore" }).on("error", reject).on("exit", () => resolve()));
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Phase → ms of each run, one column per run. */
function printPhases(runs: Record<string, Record<string, number>>): void {
  const names = Object.keys(runs);
  console.log("");
  console.log(`phases, ms (some overlap)       ${names.map((n) => n.padStart(15)).join("")}`);
  for (const phase of new Set(Object.values(runs).flatMap((r) => Object.keys(r)))) {
    console.log(`  ${phase.padEnd(30)}${names.map((n) => (runs[n]![phase] ?? 0).toFixed(0).padStart(15)).join("")}`);
  }
}

// The copies run as a worker runs them: compiled, not through tsx (scripts/worker-bundle.mjs).
const workerBundle = await buildWorkerBundle();
const dataDir = await mkdtemp(path.join(tmpdir(), "sandbox-portal-bench-"));
const server = await startLocalServer({ dataDir, port: await freePort(), throwaway: true });

/** Every measurement, on `server`; the --only-… flags return early (never exit: the server and its folder must go). */
async function measure(): Promise<void> {
  const prodUrl = withDatabase(server.adminUrl, "bench_prod");
  await oneOffQuery(server.adminUrl, "CREATE DATABASE bench_prod");
  const generated = await timed(`generate ${scale} production`, () =>
    generateProductionDatabase({ databaseUrl: prodUrl, customerId: "Cust10001", companyName: "Bench AS", scale, seed: Number(values.seed) }),
  );
  console.log(`  ${generated.value.rows.toLocaleString("en")} rows, ${mb(generated.value.bytes)} on disk`);
  await settle(server.adminUrl);

  const ratio = (x: number, y: number) => (x / y).toFixed(2);
  /** (s), or null when the portal refuses to pseudonymise this production (too many distinct values). */
  const personalData = async (c: Copy): Promise<Copy | null> => {
    const s = await timedCopy("(s) provisionSandbox, personal data pseudonymised", () =>
      provisionInChild(prodUrl, server.sandboxServerUrl, "bench_sandbox_pseudonymised", { personalData: "pseudonymise" }),
    ).catch((error: unknown) => {
      if (!(error instanceof RefusedCopy)) throw error;
      console.log(`refused: ${error.message}`);
      return null;
    });
    await dropDatabases(server.adminUrl, "bench_sandbox_pseudonymised");
    if (!s) return null;
    console.log(`  full, pseudonymised     ${(s.value.ms / 1000).toFixed(2)} s  ${s.value.rows.toLocaleString("en")} rows  ${mb(s.value.bytes)}  (target s/c <= 2; s/c = ${ratio(s.value.ms, c.ms)}; peak RSS ${mb(s.value.maxRssBytes)})`);
    return s.value;
  };
  /** The machine line's figures of (s): "refused" when the portal refused it. */
  const personalDataFigures = (s: Copy | null, c: Copy) =>
    s ? `s/c=${ratio(s.ms, c.ms)} cpu_c=${coreSeconds(c).toFixed(1)} cpu_s=${coreSeconds(s).toFixed(1)}` : `s/c=refused cpu_c=${coreSeconds(c).toFixed(1)}`;
  if (values["only-personal-data"]) {
    const c = await timedCopy("(c) provisionSandbox, default options", () => provisionInChild(prodUrl, server.sandboxServerUrl, "bench_sandbox", {}));
    await dropDatabases(server.adminUrl, "bench_sandbox");
    console.log(`  full, default options   ${(c.value.ms / 1000).toFixed(2)} s  ${c.value.rows.toLocaleString("en")} rows  ${mb(c.value.bytes)}`);
    const s = await personalData(c.value);
    if (values.phases) printPhases({ full: c.value.phases, ...(s ? { pseudonymised: s.phases } : {}) });
    console.log(`bench ${scale} ${personalDataFigures(s, c.value)} rss_mb=${(Math.max(c.value.maxRssBytes, s?.maxRssBytes ?? 0) / 1024 / 1024).toFixed(0)}`);
    return;
  }

  // The floor is timed before and after our copies, and the faster taken: on a shared
  // machine one file copy varies by half, and a slow one would flatter every ratio to it.
  const templateCopy = async (when: string) => {
    const sampler = await ServerCpuSampler.start(server.adminUrl, "bench_prod", "bench_template");
    const run = await timed(`(b) CREATE DATABASE ... TEMPLATE, ${when}`, () => oneOffQuery(server.adminUrl, `CREATE DATABASE ${quoteIdent("bench_template")} TEMPLATE bench_prod`));
    const cpu = await sampler?.stop();
    if (cpu) console.log(`  CPU: the server ${(serverTotalMs(cpu) / 1000).toFixed(1)} s`);
    await dropDatabases(server.adminUrl, "bench_template");
    return run.ms;
  };
  const bBefore = await templateCopy("before");
  const c = await timedCopy("(c) provisionSandbox, default options", () => provisionInChild(prodUrl, server.sandboxServerUrl, "bench_sandbox", {}));
  await dropDatabases(server.adminUrl, "bench_sandbox");
  const all = await timedCopy("(c') provisionSandbox, documents and attachments too", () =>
    provisionInChild(prodUrl, server.sandboxServerUrl, "bench_sandbox_all", { documents: { mode: "all" }, serviceAttachments: true }),
  );
  await dropDatabases(server.adminUrl, "bench_sandbox_all");
  const b = { ms: Math.min(bBefore, await templateCopy("after")) };
  console.log(`  (b) the faster of the two: ${(b.ms / 1000).toFixed(2)} s`);
  if (values["only-copy-speed"]) {
    console.log(`c/b  = ${ratio(c.ms, b.ms)} (target <= 1.0)   c'/b = ${ratio(all.ms, b.ms)} (target <= 2.0)`);
    console.log(`(c) streamed ${mb(c.value.bytes)}, (c') ${mb(all.value.bytes)}; worker peak RSS (c) ${mb(c.value.maxRssBytes)}, (c') ${mb(all.value.maxRssBytes)}`);
    if (values.phases) printPhases({ full: c.value.phases, "with documents": all.value.phases });
    console.log(`bench ${scale} c/b=${ratio(c.ms, b.ms)} c'/b=${ratio(all.ms, b.ms)} cpu_c=${coreSeconds(c.value).toFixed(1)} cpu_c'=${coreSeconds(all.value).toFixed(1)} rss_mb=${(Math.max(c.value.maxRssBytes, all.value.maxRssBytes) / 1024 / 1024).toFixed(0)}`);
    return;
  }
  await oneOffQuery(server.adminUrl, "CREATE DATABASE bench_restore");
  const a = await timed("(a) pg_dump -Fc | pg_restore", () => dumpRestore(prodUrl, withDatabase(server.adminUrl, "bench_restore")));
  await dropDatabases(server.adminUrl, "bench_restore");
  await oneOffQuery(server.adminUrl, "CREATE DATABASE bench_restore_parallel");
  const aParallel = await timed(`(a') pg_dump -Fd -j ${availableParallelism()} -Z0, pg_restore -j ${availableParallelism()}`, () =>
    parallelDumpRestore(prodUrl, withDatabase(server.adminUrl, "bench_restore_parallel")),
  );
  await dropDatabases(server.adminUrl, "bench_restore_parallel");

  // Several runs in one worker process: the first one's time, and the later ones' (a
  // running worker's, which has loaded its code and the sandbox's query engine once).
  const p = await timedCopy("(p) provisionSandbox, partial: 10 % of companies, 3 runs", () =>
    provisionInChild(prodUrl, server.sandboxServerUrl, "bench_sandbox_partial", { kind: "partial", share: { by: "percent", percent: 10 } }, 3),
  );
  await dropDatabases(server.adminUrl, "bench_sandbox_partial", "bench_sandbox_partial_1", "bench_sandbox_partial_2");
  const k = await timedCopy("(k) provisionSandbox, configuration only, 3 runs", () =>
    provisionInChild(prodUrl, server.sandboxServerUrl, "bench_sandbox_config", { kind: "config" }, 3),
  );
  await dropDatabases(server.adminUrl, "bench_sandbox_config", "bench_sandbox_config_1", "bench_sandbox_config_2");
  // (c) once more, twice in one process, for the full copy's time in a worker that has run before.
  const cAgain = await timedCopy("(c) provisionSandbox, default options, 2 runs", () => provisionInChild(prodUrl, server.sandboxServerUrl, "bench_sandbox_again", {}, 2));
  await dropDatabases(server.adminUrl, "bench_sandbox_again", "bench_sandbox_again_1");
  const cLater = cAgain.value.laterMs!;
  const pLater = p.value.laterMs!;

  console.log("");
  console.log(`c/a  = ${ratio(c.ms, a.ms)}  (target <= 0.80)   c'/a = ${ratio(all.ms, a.ms)}`);
  console.log(`c/a' = ${ratio(c.ms, aParallel.ms)}  (target <= 0.50)   c'/a' = ${ratio(all.ms, aParallel.ms)}`);
  console.log(`c/b  = ${ratio(c.ms, b.ms)}  (target <= 1.0)    c'/b = ${ratio(all.ms, b.ms)}  (target <= 2.0)`);
  console.log(`rows/s (c)  = ${Math.round(c.value.rows / (c.ms / 1000)).toLocaleString("en")} (${c.value.rows.toLocaleString("en")} rows, ${mb(c.value.bytes)} streamed)`);
  console.log(`rows/s (c') = ${Math.round(all.value.rows / (all.ms / 1000)).toLocaleString("en")} (${all.value.rows.toLocaleString("en")} rows, ${mb(all.value.bytes)} streamed)`);
  console.log(`(c) inside the worker (without process start-up): ${(c.value.ms / 1000).toFixed(2)} s, c/a = ${ratio(c.value.ms, a.ms)}`);
  console.log(`worker peak RSS: (c) ${mb(c.value.maxRssBytes)}, (c') ${mb(all.value.maxRssBytes)}  (target < 300 MB)`);
  console.log("");
  const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log("kinds side by side, inside the worker: a process's first run, then one that has run before (median of the later runs)");
  console.log(`  full, default options   ${sec(c.value.ms)}, ${sec(cLater)}  ${c.value.rows.toLocaleString("en")} rows  ${mb(c.value.bytes)}`);
  console.log(
    `  partial, 10 %           ${sec(p.value.ms)}, ${sec(pLater)}  ${p.value.rows.toLocaleString("en")} rows  ${mb(p.value.bytes)}  ` +
      `(target p/c <= 0.25; p/c = ${ratio(p.value.ms, c.value.ms)}, later runs ${ratio(pLater, cLater)})`,
  );
  console.log(`  configuration only      ${sec(k.value.ms)}, ${sec(k.value.laterMs!)}  ${k.value.rows.toLocaleString("en")} rows  ${mb(k.value.bytes)}  (target < 3 s; k/c = ${ratio(k.value.ms, c.value.ms)})`);
  console.log("room reserved before each copy (its expected size), against the size it took");
  for (const [label, kind] of [["full, default options", c.value], ["with documents", all.value], ["partial, 10 %", p.value], ["configuration only", k.value]] as const) {
    console.log(`  ${label.padEnd(22)}  ${mb(kind.expectedBytes)} reserved, ${kind.sizeBytes === null ? "size unknown" : `${mb(kind.sizeBytes)} taken (${ratio(kind.expectedBytes, kind.sizeBytes)}×)`}`);
  }
  const s = await personalData(c.value);
  if (values.phases) {
    printPhases({
      full: c.value.phases,
      "full, later": cAgain.value.laterPhases,
      partial: p.value.phases,
      "partial, later": p.value.laterPhases,
      config: k.value.phases,
      "config, later": k.value.laterPhases,
      ...(s ? { pseudonymised: s.phases } : {}),
    });
  }
  const rssMb = Math.max(c.value.maxRssBytes, cAgain.value.maxRssBytes, all.value.maxRssBytes, p.value.maxRssBytes, k.value.maxRssBytes, s?.maxRssBytes ?? 0) / 1024 / 1024;
  console.log("");
  console.log(
    `bench ${scale} c/a=${ratio(c.ms, a.ms)} c/a'=${ratio(c.ms, aParallel.ms)} c/b=${ratio(c.ms, b.ms)} c'/b=${ratio(all.ms, b.ms)} ` +
      `p/c=${ratio(p.value.ms, c.value.ms)} p/c_later=${ratio(pLater, cLater)} k_s=${(k.value.ms / 1000).toFixed(2)} ${personalDataFigures(s, c.value)} rss_mb=${rssMb.toFixed(0)}`,
  );
}

try {
  await measure();
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
