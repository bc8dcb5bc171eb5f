/** An operator's mistake: printed as one clear line, exit code 1, no stack trace. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === "") throw new CliError(`--${flag} is required`);
  return value.trim();
}
