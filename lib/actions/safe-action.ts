/**
 * The one way a server action is built: authenticate, re-read the actor from
 * the database, check the permission, parse the input with the form's own zod
 * schema, then run. Expected failures come back as typed results; only the
 * unexpected is logged, and never shown to the user verbatim.
 */
import "server-only";
import type { z } from "zod";
import { getActor } from "../auth/actor";
import { hasPermission, type Actor, type Permission } from "../auth/policy";
import { AppError, userMessageFor, type ErrorCode } from "../errors";
import { timed } from "../observability/metrics";
import { log } from "../observability/log";
import { unstorableStrings } from "./storable-text";
import { reserveWrite } from "./write-bound";

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; code: ErrorCode; message: string; fieldErrors?: Record<string, string[]> };

/**
 * `writes`: the action changes something it audits or tells others of, with no bound of its own;
 * each call counts against the person's bound on writing actions (write-bound.ts).
 */
export function protectedAction<S extends z.ZodType, T>(
  config: { permission: Permission; schema: S; writes?: boolean },
  handler: (ctx: { actor: Actor; input: z.output<S> }) => Promise<T>,
): (input: z.input<S>) => Promise<ActionResult<T>> {
  // Timed by permission: the histogram shows which kind of action is slow, and how it ended.
  return (raw) =>
    answered(`action:${config.permission}`, async () => {
      const actor = await getActor();
      if (!actor) throw new AppError("UNAUTHENTICATED");
      if (!hasPermission(actor, config.permission)) throw new AppError("FORBIDDEN");
      const input = parseInput(config.schema, raw);
      if (config.writes) await reserveWrite(actor.id);
      return handler({ actor, input });
    });
}

/**
 * An action anyone may call, signed in or not: only for what a person does before they can
 * sign in (asking for a password link, setting the password with it). No actor, so whatever
 * it does must be bounded by its own throttle and by what its input proves (a link's token).
 */
export function publicAction<S extends z.ZodType, T>(config: { name: string; schema: S }, handler: (input: z.output<S>) => Promise<T>): (input: z.input<S>) => Promise<ActionResult<T>> {
  return (raw) => answered(`action:public:${config.name}`, () => handler(parseInput(config.schema, raw)));
}

/** Runs an action's work, timed under `route`: expected failures as typed results; only the unexpected is logged, and never shown verbatim. */
async function answered<T>(route: string, work: () => Promise<T>): Promise<ActionResult<T>> {
  return timed(
    route,
    async (): Promise<ActionResult<T>> => {
      try {
        return { ok: true, data: await work() };
      } catch (error) {
        if (error instanceof AppError) return { ok: false, code: error.code, message: error.userMessage, fieldErrors: error.fieldErrors };
        log.error(error, "server action failed");
        return failure("INTERNAL");
      }
    },
    (result) => (result.ok ? "ok" : result.code),
  );
}

function failure(code: ErrorCode): { ok: false; code: ErrorCode; message: string } {
  return { ok: false, code, message: userMessageFor(code) };
}

/** Input checked with its zod schema: INVALID_INPUT with the field errors when it does not fit (actions and the public API alike). */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const unstorable = unstorableStrings(raw, MAX_FIELD_ERRORS);
  if (unstorable.length > 0) throw new AppError("INVALID_INPUT", undefined, Object.fromEntries(unstorable.map(([path, problem]) => [path, [problem]])));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError("INVALID_INPUT", undefined, flattenFieldErrors(parsed.error));
  return parsed.data;
}

const NOT_A_FIELD = "Not a field of this request.";

/** The most problems one answer lists: a form shows a few, and a hostile input's thousands would only cost memory. */
const MAX_FIELD_ERRORS = 50;

/** Field errors keyed by dotted path, so nested form fields map onto react-hook-form names. */
function flattenFieldErrors(error: z.ZodError): Record<string, string[]> {
  // A Map, not an object: the paths are the client's keys, and a strict schema's `{"constructor": 1}`
  // or `{"__proto__": …}` found Object.prototype's own members under them, whose `push` threw (a 500).
  const out = new Map<string, string[]>();
  for (const issue of error.issues.slice(0, MAX_FIELD_ERRORS)) {
    // A strict schema's keys it does not read: each named as its own field.
    const fields = issue.code === "unrecognized_keys" ? issue.keys.slice(0, MAX_FIELD_ERRORS).map((k) => [...issue.path, k]) : [issue.path];
    const message = issue.code === "unrecognized_keys" ? NOT_A_FIELD : issue.message;
    for (const path of fields) {
      const key = path.map(String).join(".") || "_form";
      out.set(key, [...(out.get(key) ?? []), message]);
    }
  }
  // Object.fromEntries defines each key as the object's own, "__proto__" too.
  return Object.fromEntries(out);
}
