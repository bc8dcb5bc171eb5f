/**
 * Used by prisma.config.ts and prisma/crm/prisma.config.ts, which the Prisma CLI loads
 * before it looks for its native schema engine.
 *
 * On this project's machines that binary cannot be downloaded (@prisma/engines'
 * postinstall fails silently), and every CLI command then fails trying to fetch it,
 * even `prisma generate` and `prisma validate`, which only need the wasm the CLI
 * bundles. So when no downloaded engine is present, point the CLI at
 * scripts/prisma-schema-engine-stub.sh: those commands work, and the ones that do need
 * the engine (migrate, db push) fail saying to use `npm run db:migrate` instead.
 * Where the real binary was downloaded, or PRISMA_SCHEMA_ENGINE_BINARY is set, nothing
 * changes.
 */
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function downloadedEngineExists(): boolean {
  try {
    // Where @prisma/engines' postinstall puts `schema-engine-<platform>`.
    const fromPrisma = createRequire(createRequire(import.meta.url).resolve("prisma/package.json"));
    const enginesDir = path.dirname(fromPrisma.resolve("@prisma/engines/package.json"));
    return readdirSync(enginesDir).some((name) => name.startsWith("schema-engine"));
  } catch {
    return false;
  }
}

export function fallBackToSchemaEngineStub(): void {
  if (process.env.PRISMA_SCHEMA_ENGINE_BINARY || downloadedEngineExists()) return;
  const stub = path.join(root, "scripts/prisma-schema-engine-stub.sh");
  if (existsSync(stub)) process.env.PRISMA_SCHEMA_ENGINE_BINARY = stub;
}
