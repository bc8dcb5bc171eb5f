/**
 * `npm run dev` / `npm start`: bootstrap the database (embedded PostgreSQL
 * when no DATABASE_URL), seed demo data in development, then run Next.js.
 * The embedded server stops when Next.js stops.
 */
import { spawn, spawnSync } from "node:child_process";
import { bootstrapOrExit } from "../lib/startup/bootstrap";
import { log as logger } from "../lib/observability/log";
import { listenPort } from "../lib/startup/listen-port";
import { EMBEDDED_SEED_ENV, PORTAL_IN_USE_EXIT } from "./seed";

const mode = process.argv[2];
if (mode !== "dev" && mode !== "start") {
  console.error("usage: tsx scripts/launch.ts dev|start");
  process.exit(2);
}

const log = (line: string) => logger.info(line);
// Read before anything starts: a port that is none is refused at once, in words.
let port: number;
try {
  port = listenPort(process.argv.slice(3), process.env);
} catch (error) {
  logger.error((error as Error).message);
  process.exit(1);
}
const { localServer } = await bootstrapOrExit({ log });
// The links in mails point here unless NEXTAUTH_URL says where the portal is reached (behind a proxy, by its own name).
process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
// Demo data in development on the embedded server, or when asked for; never by `npm run dev`
// pointed at a database of its own (seed.ts refuses a portal in use even when asked).
const seedDemo = process.env.SEED_DEMO_DATA === "true" || (mode === "dev" && localServer !== null && process.env.SEED_DEMO_DATA !== "false");
if (seedDemo) {
  // In a child process: the generator's memory goes back to the system when it exits.
  // The child finds DATABASE_URL set (to the embedded server this process started): told which it
  // is, by the launcher alone (a value inherited from the caller's environment is not its word).
  const seedEnv = { ...process.env };
  delete seedEnv[EMBEDDED_SEED_ENV];
  if (localServer) seedEnv[EMBEDDED_SEED_ENV] = process.env.DATABASE_URL;
  const seed = spawnSync(process.execPath, ["--import", "tsx", "scripts/seed.ts"], { stdio: "inherit", env: seedEnv });
  // A portal in use is started as it is: its demo data was asked for by mistake, and said so (seed.ts).
  if (seed.status !== 0 && seed.status !== PORTAL_IN_USE_EXIT) {
    log("seeding the demo data failed (see above)");
    await localServer?.stop();
    process.exit(1);
  }
}

// Through the portal's own front (scripts/portal-server.ts): it decides which forwarding headers to believe.
const next = spawn(process.execPath, ["--import", "tsx", "scripts/portal-server.ts", mode, ...process.argv.slice(3)], {
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1" },
});

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  if (localServer) {
    log("stopping embedded PostgreSQL");
    await localServer.stop().catch(() => undefined);
  }
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    next.kill(signal);
  });
}
next.on("exit", (code) => void shutdown(code ?? 0));
