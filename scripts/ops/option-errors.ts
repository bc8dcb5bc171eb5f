/**
 * The services' refusals in the CLI's words: a field error names the flag that
 * set the field, as the web shows it beside its field.
 */
import type { z } from "zod";
import { AppError } from "../../lib/errors";
import { CliError } from "./cli-error";

/** The order form's fields as the CLI's flags, for error messages. */
const FLAG_OF_FIELD: Record<string, string> = { name: "--name", planCounts: "--plans", note: "--note", users: "--options users", keepEnabledTaskIds: "--keep-tasks", kind: "--kind", share: "--share, --since or --companies", personalData: "--personal-data" };

/** The schema's refusals, one per option, naming the flag where there is one. */
export function optionIssues(error: z.ZodError): string {
  return error.issues
    .map((i) =>
      // Keys of the --options file that no choice reads: each named, as the file's.
      i.code === "unrecognized_keys" && i.path.length === 0
        ? i.keys.map((key) => `--options: ${JSON.stringify(key)} is no choice of the wizard's`).join("; ")
        : `${FLAG_OF_FIELD[String(i.path[0])] ?? i.path.join(".")}: ${i.message}`,
    )
    .join("; ");
}

/** Field errors, as the web shows them beside its fields, as one line per flag. */
export function fieldErrorsLine(fieldErrors: Record<string, string[] | undefined>): string {
  return Object.entries(fieldErrors)
    .flatMap(([field, messages]) => (messages ?? []).map((m) => `${FLAG_OF_FIELD[field.replace(/^options\./, "")] ?? field}: ${m}`))
    .join("; ");
}

/** The service's refusals, in the CLI's words: field errors name their flags. */
export function asCliError(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  return new CliError(error.fieldErrors ? fieldErrorsLine(error.fieldErrors) : error.userMessage);
}
