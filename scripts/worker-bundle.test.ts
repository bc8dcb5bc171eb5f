/** The worker's compiled code (worker-bundle.mjs): one folder per version, written whole, others pruned once unused. */
import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, rm, stat, utimes } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildWorkerBundle, keepInUse, WORKER_BUNDLES } from "./worker-bundle.mjs";

const bundles = path.resolve(WORKER_BUNDLES);
const planted: string[] = [];
afterAll(async () => {
  for (const folder of planted) await rm(folder, { recursive: true, force: true });
});

/** A folder as another version's build leaves it, last started from `daysAgo`. */
async function plantBuild(name: string, daysAgo: number): Promise<string> {
  const folder = path.join(bundles, `${name}-${process.pid}`);
  planted.push(folder);
  await mkdir(folder, { recursive: true });
  const at = new Date(Date.now() - daysAgo * 24 * 60 * 60 * 1000);
  await utimes(folder, at, at);
  return folder;
}

const exists = (file: string) => stat(file).then(() => true, () => false);

describe("buildWorkerBundle", () => {
  it("compiles each entry, with the lock watchdog's thread beside them, into a folder named by the code", async () => {
    const folder = await buildWorkerBundle();
    expect(path.dirname(folder)).toBe(bundles);
    expect(path.basename(folder)).toMatch(/^[0-9a-f]{16}$/);
    const files = await readdir(folder);
    for (const entry of ["worker.js", "personal-data-preview.js", "provision-child.js", "lock-watchdog-thread.mjs"]) expect(files).toContain(entry);
    // Nothing half-written is left beside the builds.
    expect((await readdir(bundles)).filter((f) => f.startsWith(".building-"))).toEqual([]);
  });

  it("finds every file its code finds by its own URL: the thread started from a file, files read beside lib's modules", async () => {
    const folder = await buildWorkerBundle();
    const named: string[] = [];
    for (const file of (await readdir(folder)).filter((f) => f.endsWith(".js"))) {
      const code = await readFile(path.join(folder, file), "utf8");
      for (const m of code.matchAll(/new URL\(\s*"(\.{1,2}\/[^"]+)",\s*import\.meta\.url\s*\)/g)) named.push(m[1]!);
    }
    // The lock watchdog's thread at least: a file the build copies, which a copy starts from.
    expect(named).toContain("./lock-watchdog-thread.mjs");
    for (const relative of named) expect(await exists(path.resolve(folder, relative)), relative).toBe(true);
  });

  it("gives the same code the same folder, and leaves its files as they are", async () => {
    const first = await buildWorkerBundle();
    const written = (await stat(path.join(first, "worker.js"))).mtimeMs;
    expect(await buildWorkerBundle()).toBe(first);
    expect((await stat(path.join(first, "worker.js"))).mtimeMs).toBe(written);
  });

  it("removes another version's build once no process has started from it for a week, and keeps a recent one", async () => {
    const stale = await plantBuild("stale-test", 8);
    const recent = await plantBuild("recent-test", 2);
    await buildWorkerBundle();
    expect(await exists(stale)).toBe(false);
    expect(await exists(recent)).toBe(true);
  });

  it("keeps a build that a process still runs from, however long ago it started, and prunes it once that process is gone", async () => {
    // A worker started from this build eight days ago, still running: another version starts now.
    const running = await plantBuild("running-test", 8);
    const stop = keepInUse(running, 20);
    await expect.poll(async () => Date.now() - (await stat(running)).mtimeMs, { timeout: 5_000 }).toBeLessThan(60_000);
    await buildWorkerBundle();
    expect(await exists(running)).toBe(true);
    // The process has ended: its build ages like any other. A mark still being written as it
    // ended is waited for: written after the folder was dated back, it kept the build (CI, loaded).
    await stop();
    const weekAgo = new Date(Date.now() - 8 * 24 * 60 * 60 * 1000);
    await utimes(running, weekAgo, weekAgo);
    await buildWorkerBundle();
    expect(await exists(running)).toBe(false);
  });

  it("runs with plain node, its packages found in the project's node_modules", async () => {
    const folder = await buildWorkerBundle();
    // Asked about a production nobody serves, the preview's entry answers in the customer's words, and exits.
    const child = spawn(process.execPath, [path.join(folder, "personal-data-preview.js")], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const answer = new Promise((resolve) => child.once("message", resolve));
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const input = { tables: [], freeText: [], classification: { columns: {}, tables: {}, objects: [] }, secret: "s", invalidationDomain: "invalid.example", counted: { people: 0, companies: 0 } };
    child.send({ productionUrl: "postgres://nobody:none@127.0.0.1:1/none", input });
    expect(await answer).toMatchObject({ refused: { code: expect.any(String), message: expect.any(String) } });
    expect(await exited).toBe(0);
    expect(stderr).toBe("");
  });
});
