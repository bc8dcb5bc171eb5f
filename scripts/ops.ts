/**
 * The operator CLI: `npm run ops -- <command> [--flags]`. Run `npm run ops -- help`.
 * Uses DATABASE_URL, or the embedded PostgreSQL like the portal does.
 */
import { parseArgs } from "node:util";
import { bootstrap, type Bootstrapped } from "../lib/startup/bootstrap";
import { AppError } from "../lib/errors";
import { log, logToStandardError } from "../lib/observability/log";
import { db } from "../lib/db/portal";
import { CliError } from "./ops/cli-error";
import { addTenant, classifyTenant, generateTenant, listTenants, offboardTenantCommand, setCopyRate, setProductionUrl, setTenantEntitlements } from "./ops/tenant-commands";
import { addUser, changeRole, disableUsers, enableUser, resetPassword, setUpTwoFactor } from "./ops/user-commands";
import { createSandbox } from "./ops/sandbox-create";
import { cancelSandboxRun, deleteSandbox, refreshSandbox, sandboxReport, sandboxStatus } from "./ops/sandbox-commands";
import { rotateSecrets } from "./ops/secret-commands";
import { addServerCommand, drainServerCommand, listServersCommand, removeServerCommand, setServerCommand, undrainServerCommand, writeOffServerCommand } from "./ops/server-commands";

import { withSecretsFromStdin, type Flags } from "./ops/flags";
import { isConnectionFailure } from "../lib/db/connection-problem";
import { terminalSafe } from "../lib/untrusted-text";
import { portalLink } from "../lib/emails/render";
import { serverNameOf } from "../lib/db/urls";

const COMMANDS: Record<string, { usage: string; run: (flags: Flags) => Promise<void> }> = {
  "tenant:add": {
    usage: "--customer-id Cust12345 --company \"Name\" --production-url postgres://… [--sandbox-server-url postgres://…]",
    run: addTenant,
  },
  "tenant:generate": {
    usage: "--customer-id Cust12345 --company \"Name\" [--scale small|medium|large] [--seed N]   (new database on the portal's server)",
    run: generateTenant,
  },
  "tenant:set-url": {
    usage: "--customer-id Cust12345 --production-url -   (its production's URL anew, on standard input: checked as at tenant:add)",
    run: setProductionUrl,
  },
  "tenant:list": { usage: "[--without-sizes] (customer ids, companies, users, sandboxes, production database sizes, copy rates, each production URL's TLS)", run: (flags) => listTenants(flags) },
  "tenant:copy-rate": {
    usage: "--customer-id Cust12345 --mbps 5|0|default   (cap on how fast its runs read production; 0: none; default: COPY_RATE_LIMIT_MBPS)",
    run: setCopyRate,
  },
  "tenant:entitle": {
    usage: "--customer-id Cust12345 [--sandboxes 3|unlimited] [--plans sales-premium=10,complete=2|unlimited]   (what its admins may order; staff order beyond it; audited)",
    run: setTenantEntitlements,
  },
  "tenant:classify": {
    usage: "--customer-id Cust12345 --file tenant.json | --clear   (its own classification of schema beyond the contract, over the defaults file; audited)",
    run: classifyTenant,
  },
  "tenant:offboard": {
    usage: "--customer-id Cust12345 --confirm Cust12345   (the customer leaves: its sandboxes deleted, its production URL forgotten, its accounts disabled, its webhooks removed; its history kept)",
    run: offboardTenantCommand,
  },
  "user:add": {
    usage: "--email a@b.c --name \"Name\" --role customer-admin|customer-user|sales-rep|operator [--customer-id Cust12345] [--password …]",
    run: addUser,
  },
  "user:role": {
    usage: "--email a@b.c --role customer-admin|customer-user|sales-rep|operator [--customer-id Cust12345]   (ends the user's sessions)",
    run: changeRole,
  },
  "user:password": { usage: "--email a@b.c [--password …]   (generated and shown once when left out)", run: resetPassword },
  "user:2fa": {
    usage: "--email a@b.c   (sets up or replaces two-factor sign-in: secret, link and recovery codes shown once; staff get it from user:add)",
    run: setUpTwoFactor,
  },
  "user:disable": {
    usage: "--email a@b.c | --customer-id Cust12345   (one account, or every account of a customer that leaves: they sign in nowhere, their sessions end and their API tokens are revoked; audited)",
    run: disableUsers,
  },
  "user:enable": { usage: "--email a@b.c   (signs in again; its revoked API tokens stay revoked)", run: enableUser },
  "sandbox:create": {
    usage:
      "--customer-id Cust12345 --name \"UAT\" --plans sales-premium=2,service-essentials=1 --as operator@… [--kind full|partial|config] [--share 10% | --since 2026-01-01 | --companies 1,2,3] [--note \"…\"] [--options wizard.json] [--domain mailinator.com] [--keep-tasks 3,7] [--documents none|all|since:2025-01-01] [--attachments] [--maintenance] [--personal-data keep|pseudonymise]",
    run: createSandbox,
  },
  "sandbox:refresh": {
    usage: "--id <sandbox id> [--kind full|partial|config] [--share 10% | --since 2026-01-01 | --companies 1,2,3] [--personal-data keep|pseudonymise] [--new-pseudonyms]",
    run: refreshSandbox,
  },
  "sandbox:delete": { usage: "--id <sandbox id> --confirm \"<sandbox name>\"", run: deleteSandbox },
  "sandbox:cancel": { usage: "--id <sandbox id>   (cancels its queued run, or stops its copy under way; a deletion that has started goes on)", run: cancelSandboxRun },
  "sandbox:status": { usage: "--id <sandbox id>   (JSON: the sandbox as the portal shows it, DELETING while a deletion waits or runs, and its last runs, a cancelled run as CANCELLED)", run: sandboxStatus },
  "sandbox:report": { usage: "--id <sandbox id> [--format json|csv]", run: sandboxReport },
  "server:add": {
    usage: "--name pg-eu-2 --url postgres://maker:…@host/postgres [--max-databases 200] [--max-size-gb 500] [--max-runs 3]   (a sandbox server for the pool; its role may only create databases)",
    run: addServerCommand,
  },
  "server:list": { usage: "(each sandbox server: address, TLS, state, databases, size and runs used of its capacity, room reserved by copies under way; never its URL)", run: () => listServersCommand() },
  "server:drain": { usage: "--name pg-eu-2   (no new sandboxes go to it; the ones on it keep refreshing and can be deleted)", run: drainServerCommand },
  "server:undrain": { usage: "--name pg-eu-2   (takes new sandboxes again)", run: undrainServerCommand },
  "server:set": {
    usage:
      "--name pg-eu-2 [--rename pg-eu-3] [--max-databases N|unlimited] [--max-size-gb N|unlimited] [--max-runs N|default] [--url - (a rotated password, a moved host: the same server, which must hold its sandboxes' databases)]",
    run: setServerCommand,
  },
  "server:write-off": {
    usage:
      "--name pg-eu-2 --confirm pg-eu-2 --reason \"disk lost on 1 Dec\" [--url - (rebuilt empty at its address with new credentials: checked with them, not stored)]   (a server lost for good: its sandboxes end as deleted and their people are told why; orders with no copy yet move to another server)",
    run: writeOffServerCommand,
  },
  "server:remove": { usage: "--name pg-eu-2   (a retired server: once no sandbox lives on it, no customer is pinned to it and no run copies into it)", run: removeServerCommand },
  "secrets:rotate": {
    usage: "(re-seals every stored secret under DATABASE_SECRETS_KEY; the old key must be in DATABASE_SECRETS_PREVIOUS_KEYS)",
    run: () => rotateSecrets(),
  },
};

const STRING_FLAGS = [
  "customer-id", "company", "production-url", "sandbox-server-url", "scale", "seed", "email", "name", "role",
  "password", "plans", "note", "as", "options", "domain", "keep-tasks", "documents", "id", "confirm", "format", "mbps", "file", "sandboxes",
  "url", "rename", "max-databases", "max-size-gb", "max-runs", "kind", "share", "since", "companies", "personal-data", "reason",
] as const;
const FLAGS = {
  ...Object.fromEntries(STRING_FLAGS.map((flag) => [flag, { type: "string" as const }])),
  attachments: { type: "boolean" as const },
  maintenance: { type: "boolean" as const },
  clear: { type: "boolean" as const },
  "new-pseudonyms": { type: "boolean" as const },
  "without-sizes": { type: "boolean" as const },
};

function help(): void {
  console.log("Sandbox Portal operator CLI\n\nusage: npm run ops -- <command> [flags]\n");
  for (const [name, { usage }] of Object.entries(COMMANDS)) console.log(`  ${name.padEnd(16)} ${usage}`);
}

const [command, ...rest] = process.argv.slice(2);
if (!command || command === "help" || command === "--help") {
  help();
  process.exit(0);
}
const entry = COMMANDS[command];
if (!entry) {
  console.error(`unknown command "${command}"`);
  help();
  process.exit(2);
}

// `<command> --help`: that command's usage alone.
if (rest.length === 1 && rest[0] === "--help") {
  console.log(`usage: npm run ops -- ${command} ${entry.usage}`);
  process.exit(0);
}

/** Commands whose runs tell people by mail, with links to the portal. */
const MAILING = new Set(["sandbox:create", "sandbox:refresh", "sandbox:delete"]);

// Read before the portal database is opened (seconds): a mistyped flag is said at once.
let flags: Flags;
try {
  flags = parseFlags(rest, command, flagsOf(entry.usage));
} catch (error) {
  console.error(`error: ${terminalSafe(error instanceof Error ? error.message : String(error))}`);
  process.exit(1);
}
if (MAILING.has(command) && !process.env.NEXTAUTH_URL) {
  // The portal's own launcher sets it; a CLI run beside it does not know the portal's address.
  console.error(`[ops] NEXTAUTH_URL is not set: links in the mails this command's run sends point at ${portalLink("")}. Set it to the portal's public address.`);
}

// Its results are its standard output; what the runs it carries out log goes to standard error.
logToStandardError();
let code = 0;
let localServer: Bootstrapped["localServer"] = null;
// Whether the portal database answered the start: a failure to connect before it is no database that stopped mid-command.
let reached = false;
try {
  ({ localServer } = await bootstrap({ log: (line) => console.error(`[ops] ${line}`), existingPortalOnly: true }));
  reached = true;
  await entry.run(await withSecretsFromStdin(flags));
} catch (error) {
  code = 1;
  console.error(`error: ${terminalSafe(failureWords(error, reached))}`);
} finally {
  await db.$disconnect().catch(() => undefined);
  await localServer?.stop().catch(() => undefined);
}
process.exit(code);

/** The flags a command reads: those its usage line names (so `help` lists every one, and only those). */
function flagsOf(usage: string): string[] {
  return [...new Set([...usage.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!))];
}

/**
 * The flags, each at most once and each one the command reads: `parseArgs` keeps the last
 * of a repeated flag, and `--customer-id A --customer-id B` acted on B without a word; and
 * every command took every flag of the CLI, dropping those it does not read, so that
 * `sandbox:refresh --documents none` copied the saved documents as if nothing was said.
 */
function parseFlags(args: string[], command: string, allowed: readonly string[]): Flags {
  const { values, tokens } = parseArgs({ args, options: FLAGS, strict: true, allowPositionals: false, tokens: true });
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    if (!allowed.includes(token.name)) {
      const its = allowed.length ? `its flags: ${allowed.map((f) => `--${f}`).join(", ")}` : "it takes none";
      throw new CliError(`--${token.name} is no flag of ${command} (${its})`);
    }
    if (seen.has(token.name)) throw new CliError(`--${token.name} is given more than once: give it once`);
    seen.add(token.name);
  }
  return values as Flags;
}

/**
 * One line for the operator. The portal's own errors are written for people and say
 * themselves; a database's or the system's (a Prisma dump names source files and code
 * lines, a driver's may quote SQL or a host) are named by their kind, their details in
 * the log line above.
 */
function failureWords(error: unknown, reached: boolean): string {
  if (error instanceof CliError || error instanceof AppError) return error.message;
  if (!(error instanceof Error) || isForeign(error)) {
    log.error(error, "ops command failed");
    if (isConnectionFailure(error) && !reached) {
      // A mistyped or stopped DATABASE_URL was told as a database lost mid-command, with a run "taken up again".
      return `cannot reach the portal database${portalAddress()} (DATABASE_URL): is it running, and is the address right? The log line above has the details`;
    }
    if (isConnectionFailure(error)) return "the portal database stopped answering; a run this command had under way is taken up again by the portal's workers";
    return `the command failed unexpectedly (${error instanceof Error ? error.name : typeof error}); the log line above has the details`;
  }
  return error.message;
}

/** " at host:port" of the portal database, never its password; nothing when it has no address to name. */
function portalAddress(): string {
  try {
    return ` at ${serverNameOf(process.env.DATABASE_URL ?? "")}`;
  } catch {
    return "";
  }
}

/** An error of Prisma's, of the PostgreSQL driver's (it has a severity) or of the system's (it has a syscall). */
function isForeign(error: Error): boolean {
  return error.name.startsWith("PrismaClient") || "severity" in error || "syscall" in error || isConnectionFailure(error);
}
