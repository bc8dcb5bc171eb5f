/** The portal's own processes as its server starts them: their compiled code, built once for the run (global-setup.ts). */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { inject } from "vitest";
import { nodeCommand, WORKER_BUNDLE_ENV } from "../worker/node-command";

export const compiledCommand = (entry: Parameters<typeof nodeCommand>[0], nodeOptions: string[] = []) =>
  nodeCommand(entry, nodeOptions, { [WORKER_BUNDLE_ENV]: inject("workerBundle") });

export function spawnWorker(options: SpawnOptions): ChildProcess {
  const [command, ...args] = compiledCommand("worker");
  return spawn(command!, args, options);
}
