/**
 * A copy that is done leaves nothing running in its process: no timer, session or
 * thread of its own. One left behind keeps a CLI from exiting, and fires into a finished
 * run much later in a worker (a driver's per-statement timer on a COPY stream is never
 * cleared: with the run's deadline as its bound, it held a process for 15 minutes).
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { generateProduction, newSandboxName } from "../testing/sanitizer-fixtures";
import { databaseExists, dropSandboxDatabase } from "./drop";

let prod: string;
const name = newSandboxName();

beforeAll(async () => {
  prod = await generateProduction(53);
});
afterAll(async () => {
  await dropTestDatabase(prod);
  await dropSandboxDatabase(testServerAdminUrl(), name);
});

describe("a process whose copy is done", () => {
  it("exits on its own, the copy made", async () => {
    const input = { productionUrl: prod, sandboxServerUrl: testSandboxServerUrl(), databaseName: name, options: {} };
    // The benchmark's child: provisionSandbox alone in a process, one JSON line out, then nothing.
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/bench/provision-child.ts", JSON.stringify(input)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    let printedAt = 0;
    child.stdout.once("data", () => (printedAt = Date.now()));
    const exitCode = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });

    expect(exitCode).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ rows: expect.any(Number) });
    // Its report printed, the process has nothing left to wait for.
    expect(Date.now() - printedAt).toBeLessThan(5_000);
    expect(await databaseExists(testServerAdminUrl(), name)).toBe(true);
  }, 90_000);
});
