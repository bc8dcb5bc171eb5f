/**
 * `npm run worker`: a separate worker process, for scaling out. Start as many
 * as you like against the same DATABASE_URL; set WORKER_IN_APP=false on the
 * web instances if they should not run jobs themselves.
 *
 * Also the web app's own worker, which the web server starts (lib/worker/app-worker.ts):
 * then it is woken by the web app, tells it of finished runs, and ends when it is gone.
 */
import { bootstrapOrExit } from "../lib/startup/bootstrap";
import { startWorker } from "../lib/worker/worker";
import { stopBoss, wakeLocalRunWorkers } from "../lib/jobs/queue";
import { joinWebApp, startedByWebApp } from "../lib/worker/app-worker";
import { log as logger } from "../lib/observability/log";
import { env } from "../lib/config/env";
import { serveWorkerMetrics } from "../lib/observability/worker-metrics-server";
import { unsetPortalUrlWarning } from "../lib/emails/render";
import { exitOnUncaughtException } from "../lib/worker/process-faults";

// Before anything else: an exception nothing caught is logged, and ends the process for its supervisor to start again.
exitOnUncaughtException();

const log = (line: string) => logger.info(line);
const { localServer } = await bootstrapOrExit({ log });
// Its jobs mail links to the portal (a forgotten password's, a finished run's): said once, at the start.
const portalUrlWarning = unsetPortalUrlWarning();
if (portalUrlWarning) logger.warn(portalUrlWarning);
// The web app's own worker passes its counts to the web app, which serves them; a separate one serves its own.
const metricsServer = startedByWebApp() ? undefined : await serveMetricsIfAsked();
// A newer version migrated the database under this one: it hands its copies back and ends (its
// supervisor's restart of this version is refused at start, until the new version is deployed).
// As validated at start-up: set to nothing, it is unset (1), where Number("") had made a worker with no slot.
const worker = await startWorker({ concurrency: env().WORKER_CONCURRENCY, onOutdated: () => void shutdown(1) });

/**
 * WORKER_METRICS_PORT's endpoint, or none when unset. Opened before the worker takes a job:
 * a port it cannot listen on stops it there, since it was asked to be scraped.
 */
async function serveMetricsIfAsked() {
  const { WORKER_METRICS_PORT: port, METRICS_TOKEN: token } = env();
  if (port === undefined) return undefined;
  try {
    const server = await serveWorkerMetrics({ port, token });
    log(`metrics on port ${server.port}, at /metrics (bearer METRICS_TOKEN)`);
    return server;
  } catch (error) {
    logger.error(`WORKER_METRICS_PORT ${port}: cannot listen (${(error as NodeJS.ErrnoException).code ?? "unknown error"}); stopping`);
    await localServer?.stop();
    process.exit(1);
  }
}

let stopping = false;
async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  log("stopping: copies in hand go back to the queue, a deletion in hand finishes");
  await worker.stop();
  await metricsServer?.close();
  await stopBoss();
  await localServer?.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
joinWebApp({ onWake: wakeLocalRunWorkers, onParentGone: () => void shutdown() });
