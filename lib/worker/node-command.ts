/**
 * The command line of the portal's own Node processes (its worker, the review's
 * preview): the compiled code that scripts/worker-bundle.mjs built, whose folder the
 * portal's server sets in WORKER_BUNDLE_DIR when it starts, or else the TypeScript
 * through tsx. Compiled, a worker holds about 40 MB less and starts without
 * compiling its modules (the builder's comment has the figures).
 */
import path from "node:path";

export const WORKER_BUNDLE_ENV = "WORKER_BUNDLE_DIR";

/**
 * V8's young generation, where a copy's rows and rewritten values live and die, held to
 * 4 MB a half (16 by default): each Buffer a stream passed on is freed sooner, and the
 * peak of a worker's memory over a copy falls. Measured on medium, compiled, alternated:
 * a default copy 169–183 MB against 196–213, a pseudonymised one 269–281 MB against
 * 297–331, each copy's CPU the same within the noise.
 *
 * And its old generation grown by 30 % after each full collection (V8 lets it grow up to
 * several times what survived): a pseudonymised copy holds production's personal values,
 * and the garbage around them was let pile up to 277–319 MB. Alternated on medium, eight
 * runs each: 247–265 MB against 275–319, the worker's CPU about 4 % more on average (each
 * run's own varies by ±15 % on this machine); 60 % gave 262–272 MB. `npm run worker` gives both.
 */
export const WORKER_NODE_OPTIONS = ["--max-semi-space-size=4", "--heap-growing-percent=30"] as const;

const ENTRIES = {
  worker: { script: "scripts/worker.ts", nodeOptions: WORKER_NODE_OPTIONS, tsxImports: [] },
  // As it always ran: `import "server-only"` let through (the preview's modules import none today).
  "personal-data-preview": { script: "scripts/personal-data-preview.ts", nodeOptions: [], tsxImports: ["./scripts/allow-server-only.mjs"] },
  // The benchmark's copy, run as a worker runs its copies.
  "provision-child": { script: "scripts/bench/provision-child.ts", nodeOptions: WORKER_NODE_OPTIONS, tsxImports: [] },
} as const;

/** `node`, the entry's own options and `nodeOptions`, and what runs `entry`. */
export function nodeCommand(entry: keyof typeof ENTRIES, nodeOptions: string[] = [], env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const { script, tsxImports, nodeOptions: own } = ENTRIES[entry];
  const options = [...own, ...nodeOptions];
  const bundle = env[WORKER_BUNDLE_ENV]?.trim();
  // turbopackIgnore: a folder the process is told of when it runs, not code to trace into the build.
  if (bundle) return [process.execPath, ...options, "--enable-source-maps", path.join(/*turbopackIgnore: true*/ bundle, `${entry}.js`)];
  return [process.execPath, ...options, "--import", "tsx", ...tsxImports.flatMap((i) => ["--import", i]), script];
}
