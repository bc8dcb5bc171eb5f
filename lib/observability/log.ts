/**
 * The one logger of the web app, the worker and the CLIs' diagnostics (pino).
 * JSON lines in production, readable lines in development, silent under vitest
 * unless LOG_LEVEL asks. Inside a run every line carries the run's runId,
 * sandboxId and tenantId, whichever module writes it (an AsyncLocalStorage the
 * worker fills where a run starts, read by pino's mixin).
 *
 * Secrets never reach it: known keys are redacted, and every string logged (the
 * message, an error's message and stack, any value) has connection passwords
 * masked, because drivers repeat the URL they were given in their errors.
 * Plain TypeScript: no Next.js imports.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import pino, { type DestinationStream, type LevelWithSilent, type Logger, type LoggerOptions } from "pino";
import { LOG_LEVELS } from "../config/env";
import { withoutPasswords } from "../db/urls";

export interface RunLogContext {
  runId: string;
  sandboxId: string;
  tenantId: string;
}

const runContext = new AsyncLocalStorage<RunLogContext>();

/** Runs `work` with the run's ids on every line logged inside it, however deep. */
export function withRunLogContext<T>(context: RunLogContext, work: () => T): T {
  return runContext.run(context, work);
}

/** Keys whose values are secrets wherever they appear (one level deep, and at the top). */
const SECRET_KEYS = ["password", "secret", "token", "authorization", "cookie", "url", "connectionString", "productionUrl", "sandboxServerUrl", "databaseUrl"];
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`]);

function maskStrings(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return withoutPasswords(value);
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => maskStrings(item, depth + 1));
  // Errors go through their serializers (below), which mask what they print.
  if (value instanceof Error || value instanceof Date || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskStrings(item, depth + 1)]));
}

/**
 * Driver objects that errors carry: pg puts the client an idle connection's error came
 * from on the error, and printed whole it is a hundred lines of the connection's state
 * and parameters in every such line. The error's own message, code and stack say what
 * an operator needs.
 */
const DRIVER_OBJECTS = new Set(["client", "connection", "socket"]);

/**
 * What PostgreSQL's errors tell of the rows they met: a key's values ("Key (email)=(kari@…)
 * already exists"), a failing row ("Failing row contains (1, kari@…)"), a value that
 * would not parse, and the statement's context with its literals. They are a customer's
 * production data, and a log is no place for them: a key's columns stay, the rest goes.
 */
const ROW_CONTEXT = new Set(["where", "internalQuery"]);
const KEY_COLUMNS = /^(Key \([^()]*(?:\([^()]*\)[^()]*)*\))=\(/;
/** A data exception's message ends with the value it could not take, quoted: `invalid input syntax for type uuid: "…"`. */
const QUOTED_VALUE = /: "[\s\S]*"$/;

function detailWithoutValues(detail: string): string {
  const key = KEY_COLUMNS.exec(detail);
  return key ? `${key[1]}=(…)` : "(left out: it may hold a row's values)";
}

/**
 * The data exceptions (SQLSTATE class 22) along an error and its causes, each message as
 * written and without its value. pino writes every cause's message into the error's own
 * message and stack ("The copy failed: invalid input syntax for type uuid: "…"", then
 * "caused by: …"), and the portal wraps the driver's errors in its own (a run's
 * COPY_FAILED repeats the driver's message): the wrapper has no SQLSTATE of its own.
 */
function unparsedValues(error: unknown, depth = 0): [string, string][] {
  if (error === null || typeof error !== "object" || depth > 4) return [];
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  const own: [string, string][] = typeof code === "string" && code.startsWith("22") && typeof message === "string" && QUOTED_VALUE.test(message) ? [[message, message.replace(QUOTED_VALUE, ': "…"')]] : [];
  return [...own, ...unparsedValues(cause, depth + 1)];
}

function withoutUnparsed(text: string, unparsed: [string, string][]): string {
  return unparsed.reduce((kept, [written, masked]) => kept.replaceAll(written, masked), text);
}

/** `text` (what is told of `error`: a run's failure detail) without the values its data exceptions could not take, as the log has it. */
export function withoutUnparsedValues(text: string, error: unknown): string {
  return withoutUnparsed(text, unparsedValues(error));
}

function withoutRowValues(serialized: object, unparsed: [string, string][], depth = 0): Record<string, unknown> {
  const kept = Object.entries(serialized).filter(([key]) => !DRIVER_OBJECTS.has(key) && !ROW_CONTEXT.has(key));
  return Object.fromEntries(
    kept.map(([key, value]) => {
      if (key === "detail" && typeof value === "string") return [key, detailWithoutValues(value)];
      if ((key === "message" || key === "stack") && typeof value === "string") return [key, withoutUnparsed(value, unparsed)];
      if (key === "cause" && value !== null && typeof value === "object" && depth < 4) return [key, withoutRowValues(value, unparsed, depth + 1)];
      return [key, value];
    }),
  );
}

function maskedError(error: unknown): unknown {
  const serialized: unknown = pino.stdSerializers.err(error as Error);
  if (serialized === null || typeof serialized !== "object") return maskStrings(serialized);
  // A copy: the serializer hands back what is not an Error as it came, the caller's own object.
  return maskStrings(withoutRowValues(serialized, unparsedValues(error)));
}

function levelFromEnvironment(): LevelWithSilent {
  const asked = process.env.LOG_LEVEL;
  if (asked && (LOG_LEVELS as readonly string[]).includes(asked)) return asked as LevelWithSilent;
  if (process.env.VITEST) return "silent";
  return process.env.NODE_ENV === "development" ? "debug" : "info";
}

const options = (level: LevelWithSilent): LoggerOptions => ({
  level,
  base: { pid: process.pid },
  redact: { paths: REDACT_PATHS, censor: "[redacted]" },
  serializers: { err: maskedError, error: maskedError },
  // A copy: pino merges the line into what mixin returns.
  mixin: () => ({ ...runContext.getStore() }),
  formatters: { log: (object) => maskStrings(object) as Record<string, unknown> },
  hooks: {
    logMethod(args, method) {
      method.apply(this, args.map((arg) => (typeof arg === "string" ? withoutPasswords(arg) : arg)) as Parameters<typeof method>);
    },
  },
});

/**
 * Development's readable lines: pino-pretty as a synchronous stream in this thread.
 * pino's `transport` option would start a worker thread from a file path, which
 * Next's bundler does not ship; a dev dependency, so production never loads it.
 */
function developmentStream(): DestinationStream | undefined {
  if (process.env.NODE_ENV !== "development") return undefined;
  try {
    const pretty = createRequire(import.meta.url)("pino-pretty") as (options: object) => DestinationStream;
    return pretty({ sync: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
  } catch {
    return undefined;
  }
}

function createLogger(destination?: DestinationStream, level = levelFromEnvironment()): Logger {
  const stream = destination ?? developmentStream();
  return stream ? pino(options(level), stream) : pino(options(level));
}

let root = createLogger();

type LogMethod = Logger["info"];
const forward = (level: "error" | "warn" | "info" | "debug"): LogMethod =>
  ((...args: Parameters<LogMethod>) => root[level](...args)) as LogMethod;

/** `log.error(error, "what failed")`, `log.info({ sandboxId }, "what happened")`. */
export const log = { error: forward("error"), warn: forward("warn"), info: forward("info"), debug: forward("debug") };

/** A command-line tool's log lines go to standard error: its standard output is its results. */
export function logToStandardError(): void {
  root = createLogger(pino.destination({ dest: 2, sync: true }));
}

/** Tests: send every line to `destination` (at `level`) until the returned function restores the default. */
export function captureLogs(destination: DestinationStream, level: LevelWithSilent = "debug"): () => void {
  const previous = root;
  root = createLogger(destination, level);
  return () => {
    root = previous;
  };
}
