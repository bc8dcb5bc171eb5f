import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WORKER_ENTRIES } from "../../scripts/worker-bundle.mjs";
import { nodeCommand, WORKER_BUNDLE_ENV, WORKER_NODE_OPTIONS } from "./node-command";

const folder = path.join("/srv/portal/.worker", "0123456789abcdef");

describe("nodeCommand", () => {
  it("runs the compiled entry when a build is given, with source maps for its stack traces, the options first", () => {
    expect(nodeCommand("personal-data-preview", ["--max-old-space-size=1536"], { [WORKER_BUNDLE_ENV]: folder })).toEqual([
      process.execPath,
      "--max-old-space-size=1536",
      "--enable-source-maps",
      path.join(folder, "personal-data-preview.js"),
    ]);
  });

  it("runs the TypeScript through tsx without one (or with a blank one), letting `server-only` through where the entry needs it", () => {
    expect(nodeCommand("worker", [], {})).toEqual([process.execPath, ...WORKER_NODE_OPTIONS, "--import", "tsx", "scripts/worker.ts"]);
    expect(nodeCommand("personal-data-preview", [], { [WORKER_BUNDLE_ENV]: "  " })).toEqual([
      process.execPath,
      "--import",
      "tsx",
      "--import",
      "./scripts/allow-server-only.mjs",
      "scripts/personal-data-preview.ts",
    ]);
  });

  it("starts a worker, and the benchmark's copy, with the worker's memory settings, as `npm run worker` does", () => {
    expect(nodeCommand("worker", [], { [WORKER_BUNDLE_ENV]: folder })).toEqual([process.execPath, ...WORKER_NODE_OPTIONS, "--enable-source-maps", path.join(folder, "worker.js")]);
    expect(nodeCommand("provision-child", ["--cpu-prof"], { [WORKER_BUNDLE_ENV]: folder }).slice(1, -1)).toEqual([...WORKER_NODE_OPTIONS, "--cpu-prof", "--enable-source-maps"]);
    const npmWorker = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts.worker!;
    expect(npmWorker).toContain(`node ${WORKER_NODE_OPTIONS.join(" ")} --enable-source-maps scripts/worker-process.mjs`);
    // npm runs it through sh, which passes no stop signal on: exec'd, the worker is npm's own child and
    // gets the SIGTERM of `docker stop` (it hands its copies back), not left running as an orphan.
    expect(npmWorker).toMatch(/^exec env MALLOC_ARENA_MAX=\S+ node /);
  });

  it("knows each entry the build compiles, by the same source (scripts/worker-bundle.mjs lists them for the build)", () => {
    for (const [entry, script] of Object.entries(WORKER_ENTRIES) as [keyof typeof WORKER_ENTRIES, string][]) {
      expect(nodeCommand(entry, [], {}).at(-1)).toBe(script);
    }
  });
});
