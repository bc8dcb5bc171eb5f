/**
 * The review step's classification form, as the server action accepts it. Kept
 * apart from schema.ts, which client components import: the treatments live with
 * the classification's reader, which reads files.
 */
import { z } from "zod";
import { COLUMN_TREATMENTS, OBJECT_TREATMENTS, TABLE_TREATMENTS } from "../sanitizer/classification";
import { OBJECT_KINDS } from "../sanitizer/schema-objects";
import { WIZARD_MODES } from "./schema";

const sandboxId = z.string().min(1).max(64);
const identifier = z.string().min(1).max(63);
const mode = z.enum(WIZARD_MODES);

export const schemaReviewInput = z.object({ sandboxId, mode });

export const classifyInput = z.object({
  sandboxId,
  mode,
  choices: z
    .object({
      columns: z.record(z.string().min(3).max(127), z.enum(COLUMN_TREATMENTS)).default({}),
      tables: z.record(identifier, z.enum(TABLE_TREATMENTS)).default({}),
      objects: z
        .array(z.object({ kind: z.enum(OBJECT_KINDS), table: identifier.nullable(), name: z.string().min(1).max(300), treatment: z.enum(OBJECT_TREATMENTS) }).strict())
        .max(1000)
        .default([]),
    })
    .strict()
    .refine((c) => Object.keys(c.columns).length + Object.keys(c.tables).length + c.objects.length > 0, {
      error: "Choose what happens to at least one item.",
    }),
});

export type ClassifyInput = z.input<typeof classifyInput>;
