/**
 * A worker (or launcher) that cannot start: it says why in its own words and exits 1, and
 * the embedded PostgreSQL it had begun does not stay behind, holding the folder and the port.
 */
import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort } from "../testing/free-port";

let dataDir = "";

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "sandbox-portal-start-failure-"));
  await chmod(dataDir, 0o755); // the postgres OS user must be able to enter it
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

it("a start refused by its configuration says why without a stack, exits 1 and stops the embedded server it began", async () => {
  const port = await freePort();
  const environment: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port), NEXTAUTH_SECRET: "too short", LOG_LEVEL: "info" };
  delete environment.DATABASE_URL;
  delete environment.SANDBOX_SERVER_URL;
  const worker = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], { env: environment, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  worker.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  worker.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => worker.once("exit", resolve));

  expect(code, output).toBe(1);
  expect(output).toContain("embedded PostgreSQL running on 127.0.0.1:" + port);
  expect(output).toContain("NEXTAUTH_SECRET: must be at least 32 characters");
  expect(output).not.toMatch(/\n\s+at |Node\.js v/);
  expect(await answers(port)).toBe(false);
}, 120_000);
