/**
 * SQL between two Prisma schemas, computed offline by the wasm schema engine: what
 * `prisma migrate diff --from-schema … --to-schema … --script` prints.
 */
import type { DiffTarget } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { NO_SCHEMA_FILTERS, openOfflineEngine } from "./wasm-schema-engine";

function target(schemaText: string | null): DiffTarget {
  if (schemaText === null) return { tag: "empty" };
  return { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: schemaText }] };
}

/**
 * The migration script that turns a database shaped like `fromSchemaText` (null: an
 * empty database) into one shaped like `toSchemaText`. Returns "" when they need no
 * change (the engine itself would print "-- This is an empty migration.").
 * Invalid schemas reject with Prisma's validation message (code P1012).
 */
export async function diffSchemas(fromSchemaText: string | null, toSchemaText: string): Promise<string> {
  const handle = await openOfflineEngine();
  try {
    const result = await handle.run((engine) =>
      engine.diff({
        from: target(fromSchemaText),
        to: target(toSchemaText),
        script: true,
        // Asks the engine to say whether there is a difference (exit code 2), rather
        // than us recognising its "empty migration" comment.
        exitCode: true,
        filters: NO_SCHEMA_FILTERS,
      }),
    );
    return result.exitCode === 2 ? (result.stdout ?? "") : "";
  } finally {
    await handle.close();
  }
}
