// Prisma CLI configuration for the portal schema (Prisma 7 keeps the datasource URL here,
// not in schema.prisma). The CRM schema has its own: prisma/crm/prisma.config.ts.
import { defineConfig } from "prisma/config";
import { fallBackToSchemaEngineStub } from "./prisma/schema-engine-fallback";

fallBackToSchemaEngineStub();

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  // Not `env("DATABASE_URL")`: that helper throws when the variable is unset, and
  // `prisma generate` runs as the postinstall on clean machines with no database.
  // Commands that do need a database report the missing URL themselves.
  datasource: { url: process.env.DATABASE_URL },
});
