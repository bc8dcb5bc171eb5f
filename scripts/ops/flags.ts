/** The operator CLI's flags, as `node:util` parseArgs leaves them: read in one place. */
import { CliError } from "./cli-error";

export type Flags = Record<string, string | boolean | undefined>;

/** A string flag's value, or undefined when absent (a boolean flag is never text). */
export function text(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  return typeof value === "string" ? value : undefined;
}

/** A string flag that must be given, trimmed. */
export function required(flags: Flags, name: string): string {
  const value = text(flags, name);
  if (value === undefined || value.trim() === "") throw new CliError(`--${name} is required`);
  return value.trim();
}
