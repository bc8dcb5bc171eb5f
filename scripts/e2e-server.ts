/**
 * The server Playwright tests run against: `next start` (a production build)
 * on a throwaway embedded PostgreSQL in a temporary folder, seeded with the
 * demo data. Never touches the developer's .data folder.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../lib/testing/free-port";
import { e2eServerInfoPath } from "../lib/testing/e2e-server-info";

const port = process.argv[2] ?? "3100";
const dataDir = mkdtempSync(path.join(tmpdir(), "sandbox-portal-e2e-"));
// mkdtemp makes the folder private to root; the postgres OS user must be able to enter it.
chmodSync(dataDir, 0o755);
process.env.DATA_DIR = dataDir;
// The web server binds `port` only once the database is up: a port free now may be that one
// (the OS handed it to the caller moments ago), and the database would take it first.
let databasePort = await freePort();
while (String(databasePort) === port) databasePort = await freePort();
process.env.EMBEDDED_PG_PORT = String(databasePort);
process.env.NEXTAUTH_URL = `http://127.0.0.1:${port}`;
process.env.OUTBOX_DIR = path.join(dataDir, "outbox");
process.env.METRICS_TOKEN = randomBytes(24).toString("base64url");
delete process.env.DATABASE_URL;

// Imported once the environment above is set.
const { bootstrap } = await import("../lib/startup/bootstrap");
const { seedDemoData } = await import("./seed");
const { localServer } = await bootstrap({ log: (l) => console.log(`[e2e] ${l}`) });
await seedDemoData({ log: (l) => console.log(`[e2e] ${l}`), embedded: true });

const infoFile = e2eServerInfoPath(port);
const info = { baseUrl: process.env.NEXTAUTH_URL, databaseUrl: process.env.DATABASE_URL, metricsToken: process.env.METRICS_TOKEN, sessionSecret: process.env.NEXTAUTH_SECRET, outboxDir: process.env.OUTBOX_DIR };
writeFileSync(infoFile, JSON.stringify(info), { mode: 0o600 });

// The production build behind the same front as `npm start` (scripts/portal-server.ts).
const next = spawn(process.execPath, ["--import", "tsx", "scripts/portal-server.ts", "start", "-p", port, "-H", "127.0.0.1"], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
});

// Whatever ends this process (our handlers below, or an error), the folder goes last.
process.on("exit", () => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(infoFile, { force: true });
});

let stopping: Promise<void> | undefined;

/** Once, whichever comes first: a signal, or the web server's exit. */
function shutdown(): Promise<void> {
  stopping ??= (async () => {
    // The web server hands its worker's copy back and closes its queue while the database is
    // still up (stopped first, it logged each of its connections terminated as an error).
    // Bounded waits: Playwright kills the whole process group 15 s after its SIGTERM.
    const exited = next.exitCode !== null || next.signalCode !== null ? Promise.resolve() : once(next, "exit");
    next.kill("SIGTERM");
    await Promise.race([exited, delay(8_000)]);
    await Promise.race([localServer?.stop().catch(() => undefined), delay(5_000)]);
    process.exit(0);
  })();
  return stopping;
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
next.on("exit", () => void shutdown());
