/** The operator CLI's flags, as `node:util` parseArgs leaves them: read in one place. */
import path from "node:path";
import { EMPTY_PLAN_COUNTS } from "../../lib/orders/schema";
import { USER_PLANS, type PartialShare, type SandboxOptionsInput, type UserPlan } from "../../lib/sanitizer/options";
import { CliError } from "./cli-error";

export type Flags = Record<string, string | boolean | undefined>;

/** A string flag's value, or undefined when absent (a boolean flag is never text). */
export function text(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * A file flag's path, from the folder the operator typed the command in: `npm run` starts
 * the CLI in the project's folder, and says where it was called from in INIT_CWD.
 */
export function filePath(flags: Flags, name: string): string | undefined {
  const value = text(flags, name);
  return value === undefined ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), value);
}

/** A string flag that must be given, trimmed. */
export function required(flags: Flags, name: string): string {
  const value = text(flags, name);
  if (value === undefined || value.trim() === "") throw new CliError(`--${name} is required`);
  return value.trim();
}

/** "sales-premium=3,complete=1" → counts for every plan (absent ones 0); the numbers are judged by the order's schema. */
export function parsePlans(spec: string): Record<UserPlan, number> {
  const counts: Record<UserPlan, number> = { ...EMPTY_PLAN_COUNTS };
  for (const part of spec.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [plan, count = ""] = part.split("=");
    if (!USER_PLANS.includes(plan as UserPlan)) throw new CliError(`--plans: unknown plan "${plan}" (plans: ${USER_PLANS.join(", ")})`);
    counts[plan as UserPlan] = count.trim() === "" ? Number.NaN : Number(count);
  }
  return counts;
}

/** The ways to choose a partial copy's companies, each a flag; the options schema judges the values. */
const SHARE_FLAGS: Record<string, (value: string) => PartialShare> = {
  // "10%", "10 %" or "10"; anything else reaches the schema as NaN and is refused there, in its words.
  share: (value) => ({ by: "percent", percent: /^\s*\d+\s*%?\s*$/.test(value) ? Number.parseInt(value, 10) : Number.NaN }),
  since: (value) => ({ by: "since", since: value.trim() }),
  companies: (value) => ({ by: "companies", ids: value.split(",").map((id) => (id.trim() === "" ? Number.NaN : Number(id))) }),
};

/**
 * `--kind full|partial|config` and a partial copy's share: `--share 10%`,
 * `--since 2026-01-01` or `--companies 1,2,3` (one of them; any implies partial).
 */
export function kindFromFlags(flags: Flags): Pick<SandboxOptionsInput, "kind" | "share"> {
  const kind = text(flags, "kind");
  const given = Object.keys(SHARE_FLAGS).filter((name) => text(flags, name) !== undefined);
  if (given.length > 1) throw new CliError(`choose the companies one way: --${given.join(", --")} were all given`);
  const [name] = given;
  if (name && kind && kind !== "partial") throw new CliError(`--${name} chooses a partial copy's companies: use it with --kind partial`);
  return {
    ...(kind ? { kind: kind as SandboxOptionsInput["kind"] } : name ? { kind: "partial" as const } : {}),
    ...(name ? { share: SHARE_FLAGS[name]!(text(flags, name)!) } : {}),
  };
}

/** `--personal-data keep|pseudonymise` (rule 18); the options schema judges the value. */
export function personalDataFromFlags(flags: Flags): Pick<SandboxOptionsInput, "personalData"> {
  const value = text(flags, "personal-data");
  return value === undefined ? {} : { personalData: value.trim() as SandboxOptionsInput["personalData"] };
}

/** Flags that carry a secret: a database URL with its password, or a password. */
const SECRET_FLAGS = ["production-url", "sandbox-server-url", "url", "password"] as const;

/**
 * Secrets given as `-` read from standard input, so they stay out of the command line
 * (which `ps` shows every user of the machine, shell history keeps, and `npm run` prints):
 * `printf '%s' "$URL" | npm run ops -- tenant:add … --production-url -`. One flag at a time
 * may read it. A URL given with its password on the command line still works, with a warning.
 */
export async function withSecretsFromStdin(flags: Flags, readStdin: () => Promise<string> = readAllStdin): Promise<Flags> {
  const fromStdin = SECRET_FLAGS.filter((name) => flags[name] === "-");
  if (fromStdin.length > 1) throw new CliError(`only one of ${fromStdin.map((n) => `--${n}`).join(", ")} may be read from standard input (-)`);
  for (const name of SECRET_FLAGS) {
    const value = flags[name];
    if (typeof value === "string" && value !== "-" && showsSecret(name, value)) {
      console.error(`warning: --${name} holds a password, which the machine's other users can see in its command line; give "-" and pass it on standard input instead`);
    }
  }
  const [name] = fromStdin;
  if (!name) return flags;
  const secret = (await readStdin()).trim();
  if (secret === "") throw new CliError(`--${name} -: nothing was given on standard input`);
  return { ...flags, [name]: secret };
}

function showsSecret(name: (typeof SECRET_FLAGS)[number], value: string): boolean {
  if (name === "password") return true;
  try {
    const url = new URL(value);
    return url.password !== "" || url.searchParams.has("password");
  } catch {
    return false;
  }
}

async function readAllStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError("standard input is a terminal: pipe the secret in, e.g. printf '%s' \"$URL\" | npm run ops -- …");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
