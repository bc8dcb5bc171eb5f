import path from "node:path";
import { describe, expect, it } from "vitest";
import { nodeCommand, WORKER_BUNDLE_ENV } from "./node-command";

describe("nodeCommand", () => {
  it("runs the compiled entry when a build is given, with source maps for its stack traces, the options first", () => {
    const folder = path.join("/srv/portal/.worker", "0123456789abcdef");
    expect(nodeCommand("personal-data-preview", ["--max-old-space-size=1536"], { [WORKER_BUNDLE_ENV]: folder })).toEqual([
      process.execPath,
      "--max-old-space-size=1536",
      "--enable-source-maps",
      path.join(folder, "personal-data-preview.js"),
    ]);
  });

  it("runs the TypeScript through tsx without one (or with a blank one), letting `server-only` through where the entry needs it", () => {
    expect(nodeCommand("worker", [], {})).toEqual([process.execPath, "--import", "tsx", "scripts/worker.ts"]);
    expect(nodeCommand("personal-data-preview", [], { [WORKER_BUNDLE_ENV]: "  " })).toEqual([
      process.execPath,
      "--import",
      "tsx",
      "--import",
      "./scripts/allow-server-only.mjs",
      "scripts/personal-data-preview.ts",
    ]);
  });
});
