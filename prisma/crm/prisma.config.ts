// Prisma CLI configuration for the CRM contract schema. The portal never migrates CRM
// databases (they belong to the CRM; their DDL is prisma/crm/contract.sql, written by
// `npm run crm:sql`), so this config only serves
// `prisma generate --config prisma/crm/prisma.config.ts`. Paths are relative to this file.
import { defineConfig } from "prisma/config";
import { fallBackToSchemaEngineStub } from "../schema-engine-fallback";

fallBackToSchemaEngineStub();

export default defineConfig({
  schema: "schema.prisma",
});
