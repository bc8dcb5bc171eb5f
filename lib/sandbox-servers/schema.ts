/**
 * A sandbox server's settings as operators give them (the staff page's form and the
 * CLI's flags). Isomorphic (zod only). Capacities stay text as typed: empty means
 * "no limit" (for runs: SANDBOX_SERVER_MAX_RUNS).
 */
import { z } from "zod";

export type ServerState = "ACTIVE" | "DRAINING";

export const serverNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name.")
  .max(60, "A name can be at most 60 characters.")
  .regex(/^[\w.-]+$/, "Use letters, digits, dots, dashes and underscores.");

const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: "Enter a postgres:// or postgresql:// URL." });

const limitText = (most: number) =>
  z
    .string()
    .trim()
    .regex(/^\d*$/, "Enter a whole number, or leave it empty for no limit.")
    .refine((v) => v === "" || (Number(v) >= 1 && Number(v) <= most), `Enter a number from 1 to ${most}, or leave it empty.`);

/** Sizes are typed in GB (people think in GB; the database keeps bytes). */
const gbText = z
  .string()
  .trim()
  .regex(/^(\d+(\.\d{1,3})?)?$/, "Enter a size in GB, or leave it empty for no limit.")
  .refine((v) => v === "" || Number(v) > 0, "Enter a size above 0 GB, or leave it empty.");

export const capacityFormSchema = z.object({
  maxDatabases: limitText(100_000),
  maxTotalGb: gbText,
  maxConcurrentRuns: limitText(1_000),
});

export const serverSettingsFormSchema = capacityFormSchema.extend({
  id: z.string().min(1),
  name: serverNameSchema,
  draining: z.boolean(),
});
export type ServerSettingsFormInput = z.input<typeof serverSettingsFormSchema>;

export const newServerFormSchema = capacityFormSchema.extend({ name: serverNameSchema, url: postgresUrl });
export type NewServerFormInput = z.input<typeof newServerFormSchema>;

export interface Capacity {
  maxDatabases: number | null;
  maxTotalBytes: bigint | null;
  maxConcurrentRuns: number | null;
}

/** GB as the portal prints sizes (lib/format.ts: 1024-based), so a limit typed as 1.5 reads back as "1.5 GB". */
const GB = 1024 ** 3;

export function capacityFromForm(values: z.output<typeof capacityFormSchema>): Capacity {
  return {
    maxDatabases: values.maxDatabases === "" ? null : Number(values.maxDatabases),
    maxTotalBytes: values.maxTotalGb === "" ? null : BigInt(Math.round(Number(values.maxTotalGb) * GB)),
    maxConcurrentRuns: values.maxConcurrentRuns === "" ? null : Number(values.maxConcurrentRuns),
  };
}

/** The form's text for a stored capacity. */
export function capacityToForm(capacity: { maxDatabases: number | null; maxTotalBytes: number | null; maxConcurrentRuns: number | null }) {
  return {
    maxDatabases: capacity.maxDatabases?.toString() ?? "",
    // To the form's three decimals: a limit typed as 0.001 reads back so, not as 0.0010000001639127731.
    maxTotalGb: capacity.maxTotalBytes === null ? "" : String(Math.round((capacity.maxTotalBytes / GB) * 1000) / 1000),
    maxConcurrentRuns: capacity.maxConcurrentRuns?.toString() ?? "",
  };
}
