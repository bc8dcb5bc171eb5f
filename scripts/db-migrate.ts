/**
 * npm run db:migrate
 *
 * Applies prisma/migrations to the database at $DATABASE_URL (what `prisma migrate
 * deploy` does, through the wasm schema engine; see lib/db/migrate.ts).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyMigrations } from "../lib/db/migrate";
import { redactUrl } from "../lib/db/urls";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function main(): Promise<number> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error("DATABASE_URL is not set: it names the database to migrate.");
    return 2;
  }
  const applied = await applyMigrations(databaseUrl, path.join(root, "prisma/migrations"));
  const where = redactUrl(databaseUrl);
  if (applied.length === 0) {
    console.log(`${where}: already up to date`);
  } else {
    for (const name of applied) console.log(`applied ${name}`);
    console.log(`${where}: ${applied.length} migration(s) applied`);
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  // Engine errors are multi-line and self-explanatory; the stack adds nothing.
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
