import { ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeTempDir } from "../testing/temp-dir";
import { AppWorker, type ToWebApp } from "./app-worker";

const APP_WORKER_MODULE = path.resolve("lib/worker/app-worker.ts");

/**
 * A stand-in for scripts/worker.ts that speaks the real channel (joinWebApp, tellWebApp):
 * each wake is answered with a finished run; FAKE_MODE=stubborn makes it ignore SIGTERM.
 * It writes READY_FILE once its handlers are in place and it has joined the channel:
 * a test waits for that, not for a guess at how long tsx takes to start on a loaded machine.
 */
const FAKE_WORKER = `
import { writeFileSync } from "node:fs";
import { joinWebApp, tellWebApp } from ${JSON.stringify(APP_WORKER_MODULE)};
if (process.env.FAKE_MODE === "stubborn") process.on("SIGTERM", () => undefined);
joinWebApp({
  onWake: () => tellWebApp({ type: "run-finished", run: { kind: "PROVISION", succeeded: true } }),
  onParentGone: () => {
    writeFileSync(process.env.GONE_FILE, "gone");
    process.exit(0);
  },
});
writeFileSync(process.env.READY_FILE, String(process.pid));
setInterval(() => undefined, 1 << 30);
`;

/** A web app that starts the fake worker, says its pid, and is then killed -9 by the test. */
const FAKE_WEB_APP = (worker: string, pidFile: string) => `
import { writeFileSync } from "node:fs";
import { AppWorker } from ${JSON.stringify(APP_WORKER_MODULE)};
const worker = new AppWorker({ argv: [process.execPath, "--import", "tsx", ${JSON.stringify(worker)}] });
worker.start();
const waitForPid = setInterval(() => {
  if (worker.pid) { writeFileSync(${JSON.stringify(pidFile)}, String(worker.pid)); clearInterval(waitForPid); }
}, 20);
setInterval(() => undefined, 1 << 30);
`;

const started: AppWorker[] = [];
/** Processes a test started outside an AppWorker (or whose AppWorker may not reap them): killed if a test ends early. */
const spawnedPids: number[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.stop()));
  for (const pid of spawnedPids.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
});

async function fakeWorker(mode = "") {
  const dir = await makeTempDir("app-worker-");
  const script = path.join(dir, "worker.ts");
  await writeFile(script, FAKE_WORKER);
  const goneFile = path.join(dir, "gone");
  const readyFile = path.join(dir, "ready");
  return { dir, script, goneFile, readyFile, env: { ...process.env, FAKE_MODE: mode, GONE_FILE: goneFile, READY_FILE: readyFile } };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await delay(20);
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the web app's own worker process", () => {
  it("is woken by the web app, and tells it of each finished run", async () => {
    const fake = await fakeWorker();
    const heard: ToWebApp[] = [];
    const worker = new AppWorker({ argv: [process.execPath, "--import", "tsx", fake.script], env: fake.env, onMessage: (m) => heard.push(m) });
    started.push(worker);
    worker.wake(); // not running yet: nothing happens, nothing throws
    worker.start();
    await until(() => {
      worker.wake();
      return heard.length > 0;
    }, "the worker answered a wake");
    expect(heard[0]).toEqual({ type: "run-finished", run: { kind: "PROVISION", succeeded: true } });
  });

  it("is started again when it dies, waiting longer each time it dies young, and not after a stop", async () => {
    // Each process writes down when it is about to die: the wait is timed from there, not from its
    // start, since a process's own life (a loaded machine's Node start-up) varies by more than a delay.
    const deaths = path.join(await makeTempDir("app-worker-deaths"), "deaths");
    const dieNow = `require("node:fs").appendFileSync(${JSON.stringify(deaths)}, Date.now() + "\\n"); process.exit(3)`;
    const worker = new AppWorker({ argv: [process.execPath, "-e", dieNow], restartDelayMs: [100, 800] });
    started.push(worker);
    const startTimes: number[] = [];
    const start = worker.start.bind(worker);
    worker.start = () => {
      startTimes.push(Date.now());
      start();
    };
    worker.start();
    await until(() => worker.starts >= 4, "the worker was started four times");
    await worker.stop();
    const startsAtStop = worker.starts;
    // Each start waits, after the death before it, a delay twice the one before: 100, 200, 400 ms.
    const deathTimes = readFileSync(deaths, "utf8").trim().split("\n").map(Number);
    const waits = startTimes.slice(1, 4).map((t, i) => t - deathTimes[i]!);
    expect(waits[0]!).toBeGreaterThanOrEqual(100);
    expect(waits[1]!).toBeGreaterThanOrEqual(200);
    expect(waits[2]!).toBeGreaterThanOrEqual(400);
    await delay(1_000);
    expect(worker.starts).toBe(startsAtStop);
  });

  it("is killed when it does not stop in time", async () => {
    const fake = await fakeWorker("stubborn");
    const worker = new AppWorker({ argv: [process.execPath, "--import", "tsx", fake.script], env: fake.env, stopTimeoutMs: 500 });
    started.push(worker);
    // Every kill the AppWorker sends, with the process it was sent to: the one sent SIGKILL is the worker.
    const kill = vi.spyOn(ChildProcess.prototype, "kill");
    try {
      worker.start();
      const pid = worker.pid!;
      spawnedPids.push(pid);
      // Its SIGTERM handler is in place before it says it is ready.
      await until(() => existsSync(fake.readyFile), "the stubborn worker was ready");
      await worker.stop();
      expect(alive(pid)).toBe(false);
      // It ignored SIGTERM, so it died of the SIGKILL sent after the stop timeout, not of the SIGTERM.
      expect(kill.mock.calls.map(([signal]) => signal)).toEqual(["SIGTERM", "SIGKILL"]);
      const child = kill.mock.contexts[1] as ChildProcess;
      expect(child.pid).toBe(pid);
      expect(child.signalCode).toBe("SIGKILL");
    } finally {
      kill.mockRestore();
    }
  });

  it("ends itself when its web app is killed -9", async () => {
    const fake = await fakeWorker();
    const pidFile = path.join(fake.dir, "worker.pid");
    const webAppScript = path.join(fake.dir, "web-app.ts");
    await writeFile(webAppScript, FAKE_WEB_APP(fake.script, pidFile));
    const webApp = spawn(process.execPath, ["--import", "tsx", webAppScript], { env: fake.env, stdio: "ignore" });
    spawnedPids.push(webApp.pid!);
    await until(() => existsSync(pidFile), "the web app started its worker");
    const workerPid = Number(readFileSync(pidFile, "utf8"));
    // Should it not end itself, the test fails, and the worker is killed rather than left running.
    spawnedPids.push(workerPid);
    await until(() => existsSync(fake.readyFile), "the worker joined the channel");
    webApp.kill("SIGKILL");
    await until(() => existsSync(fake.goneFile) && !alive(workerPid), "the worker ended itself");
  });
});
