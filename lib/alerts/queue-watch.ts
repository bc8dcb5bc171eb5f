/**
 * The queue's age, checked by a web process that runs no worker of its own
 * (WORKER_IN_APP=false). Workers check it (fleet-checks.ts, every five minutes), so
 * with every worker down nothing did: the alert meant for "no worker takes runs" was
 * never raised, and the outage showed only in the metrics.
 */
import { log } from "../observability/log";
import { checkQueueAge, FLEET_CHECK_EVERY_MS } from "./fleet-checks";
import { oneAtATime } from "../one-at-a-time";

/** Starts the checks; returns what stops them. They never keep the process alive. */
export function watchQueueWithoutWorkers(everyMs = FLEET_CHECK_EVERY_MS): () => void {
  const check = oneAtATime(() => checkQueueAge().catch((error: unknown) => log.error(error, "queue check failed")));
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
