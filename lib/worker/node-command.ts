/**
 * The command line of the portal's own Node processes (its worker, the review's
 * preview): the compiled code that scripts/worker-bundle.mjs built, whose folder the
 * portal's server sets in WORKER_BUNDLE_DIR when it starts, or else the TypeScript
 * through tsx. Compiled, a worker holds about 40 MB less and starts without
 * compiling its modules (the builder's comment has the figures).
 */
import path from "node:path";

export const WORKER_BUNDLE_ENV = "WORKER_BUNDLE_DIR";

const ENTRIES = {
  worker: { script: "scripts/worker.ts", tsxImports: [] },
  // As it always ran: `import "server-only"` let through (the preview's modules import none today).
  "personal-data-preview": { script: "scripts/personal-data-preview.ts", tsxImports: ["./scripts/allow-server-only.mjs"] },
} as const;

/** `node`, `nodeOptions`, and what runs `entry`. */
export function nodeCommand(entry: keyof typeof ENTRIES, nodeOptions: string[] = [], env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const bundle = env[WORKER_BUNDLE_ENV]?.trim();
  if (bundle) return [process.execPath, ...nodeOptions, "--enable-source-maps", path.join(bundle, `${entry}.js`)];
  const { script, tsxImports } = ENTRIES[entry];
  return [process.execPath, ...nodeOptions, "--import", "tsx", ...tsxImports.flatMap((i) => ["--import", i]), script];
}
