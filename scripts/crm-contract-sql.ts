/**
 * npm run crm:sql [-- --check]
 *
 * Writes prisma/crm/contract.sql: the DDL that creates an empty CRM database as
 * prisma/crm/schema.prisma describes it (the diff from an empty database), which the
 * production-database generator runs to build CRM databases. Rerun it after every
 * change to the CRM schema and commit both.
 *
 * --check writes nothing and exits 1 when contract.sql is out of date (for CI).
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { diffSchemas } from "../lib/db/schema-sql";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const schemaFile = path.join(root, "prisma/crm/schema.prisma");
const contractFile = path.join(root, "prisma/crm/contract.sql");

const HEADER = `-- The CRM database's DDL, generated from prisma/crm/schema.prisma by \`npm run crm:sql\`.
-- Do not edit by hand: change the schema and rerun the command.

`;

async function main(): Promise<number> {
  const check = process.argv.includes("--check");
  const ddl = HEADER + (await diffSchemas(null, await readFile(schemaFile, "utf8")));
  const current = existsSync(contractFile) ? await readFile(contractFile, "utf8") : null;

  if (check) {
    if (current === ddl) return 0;
    console.error("prisma/crm/contract.sql is out of date: run `npm run crm:sql` and commit it.");
    return 1;
  }
  if (current === ddl) {
    console.log("prisma/crm/contract.sql is up to date");
  } else {
    await writeFile(contractFile, ddl);
    console.log("wrote prisma/crm/contract.sql");
  }
  return 0;
}

process.exitCode = await main();
