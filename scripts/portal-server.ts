/**
 * The portal's HTTP server: Next.js behind a thin front that rewrites the
 * forwarding headers once, from the socket and the configured proxies
 * (lib/http/client-address.ts), before any app code reads them. `next start`
 * alone would pass a client's own X-Forwarded-For through to the app.
 *
 *   tsx scripts/portal-server.ts dev|start [-p PORT] [-H HOSTNAME]
 */
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import next from "next";
import { env } from "../lib/config/env";
import { normalizeForwardingHeaders, parseProxyTrust, unnamedProxyWarning } from "../lib/http/client-address";
import { log } from "../lib/observability/log";
import { listenPort } from "../lib/startup/listen-port";
import { runShutdownSteps, shutdownSteps } from "../lib/startup/shutdown-steps";
import { WORKER_BUNDLE_ENV } from "../lib/worker/node-command";
import { buildWorkerBundle, keepInUse } from "./worker-bundle.mjs";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
});
const dev = positionals[0] === "dev";
const port = listenPort(process.argv.slice(2), process.env);
const hostname = values.hostname ?? "localhost";
const trust = parseProxyTrust(env().TRUSTED_PROXIES, env().TRUSTED_PROXY_HOPS);

// The code of the processes this server starts (its worker, the review's previews), compiled
// once for all of them, unless the operator gives a build (scripts/worker-bundle.mjs).
if (!process.env[WORKER_BUNDLE_ENV]?.trim()) {
  await buildWorkerBundle().then(
    (folder) => (process.env[WORKER_BUNDLE_ENV] = folder),
    // They still run, through tsx as they are: slower to start and larger, not broken.
    (error: unknown) => log.warn({ err: error }, "the worker's code could not be compiled; its processes run it through tsx"),
  );
}
// Its processes start from the build as long as this server runs (the review's previews, a restarted worker).
const workerBuild = process.env[WORKER_BUNDLE_ENV]?.trim();
if (workerBuild) keepInUse(workerBuild);

const app = next({ dev, hostname, port, dir: process.cwd() });
const handle = app.getRequestHandler();
await app.prepare();

let proxyWarned = false;
const server = createServer((request, response) => {
  if (!proxyWarned) {
    // Before the headers are rewritten: a proxy in front that nobody named, said once.
    const warning = unnamedProxyWarning(request.headers, request.socket.remoteAddress ?? "", trust);
    if (warning) {
      proxyWarned = true;
      log.warn(warning);
    }
  }
  normalizeForwardingHeaders(request.headers, request.socket.remoteAddress ?? "", trust);
  void handle(request, response);
});
if (dev) {
  const upgrade = app.getUpgradeHandler();
  server.on("upgrade", (request, socket, head) => void upgrade(request, socket, head));
}
server.on("error", (error: NodeJS.ErrnoException) => {
  // Said in words, and a failure to whoever started it (a supervisor, a deploy script): it had exited 0.
  const words = { EADDRINUSE: `port ${port} is in use on ${hostname}: stop what uses it, or choose another port (-p, or PORT)`, EACCES: `port ${port} may not be used by this user` };
  log.error({ err: error }, words[error.code as keyof typeof words] ?? `the portal could not listen on ${hostname}:${port}`);
  process.exit(1);
});
server.listen(port, hostname, () => log.info(`ready on http://${hostname}:${port}${dev ? " (development)" : ""}`));

// Once, on the first signal (a terminal's Ctrl-C may come again through npm): no new
// requests, then the app's own worker hands its copy back (lib/startup/shutdown-steps.ts)
// while the database is still up, then Next.js closes.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close();
    log.info(shutdownSteps().size ? "stopping: no new requests; the app's worker hands back what it has in hand" : "stopping: no new requests");
    void runShutdownSteps()
      .then(() => app.close())
      .finally(() => process.exit(0));
  });
}
