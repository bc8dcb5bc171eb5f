// `npm install`'s postinstall: generates the Prisma clients for both schemas.
//
//   portal  prisma/schema.prisma      -> lib/generated/portal  (config: prisma.config.ts)
//   crm     prisma/crm/schema.prisma  -> lib/generated/crm     (config: prisma/crm/prisma.config.ts)
//
// Works offline on a clean machine. `prisma generate` itself only needs the wasm bundled
// with the CLI, but the CLI first resolves the native schema-engine binary and, when it
// is missing, tries to download it (and fails: @prisma/engines' own postinstall download
// has already failed silently during `npm install`). Pointing PRISMA_SCHEMA_ENGINE_BINARY
// at an existing file skips that; the file is a stub that exits 1 with an explanation,
// so any command that truly needs the native engine fails loudly instead of silently.
//
// Plain .mjs (not TypeScript) because it runs from `npm install`, before anything else.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

const targets = [
  { name: "portal", schema: "prisma/schema.prisma", config: "prisma.config.ts" },
  { name: "crm", schema: "prisma/crm/schema.prisma", config: "prisma/crm/prisma.config.ts" },
];

const env = {
  ...process.env,
  // Respect an explicit setting (e.g. a machine that does have the real binary).
  PRISMA_SCHEMA_ENGINE_BINARY:
    process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? path.join(root, "scripts/prisma-schema-engine-stub.sh"),
  // Keep the CLI from phoning home for update checks; there is no network here.
  CHECKPOINT_DISABLE: "1",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
};

// Run the CLI's entry point with this Node directly: no dependence on node_modules/.bin
// or npx, and no shell.
const prismaCli = require.resolve("prisma/build/index.js");

let failed = false;
for (const target of targets) {
  if (!existsSync(path.join(root, target.schema))) {
    console.warn(`prisma-generate: ${target.schema} does not exist yet; skipping the ${target.name} client.`);
    continue;
  }
  const result = spawnSync(process.execPath, [prismaCli, "generate", "--config", target.config], {
    cwd: root,
    env,
    stdio: "inherit",
  });
  if (result.status !== 0) {
    console.error(`prisma-generate: generating the ${target.name} client failed (exit ${result.status ?? result.signal}).`);
    failed = true;
  }
}

process.exit(failed ? 1 : 0);
