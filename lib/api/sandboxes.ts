/** Sandboxes as the public API shows them: the list's and the page's own reads, in JSON. */
import type { Actor } from "../auth/policy";
import { getProgressSnapshot, getRunReport, getSandboxForActor, listSandboxes } from "../sandboxes/queries";
import { cancelRun, startDelete, startRefresh } from "../sandboxes/mutations";
import { SANDBOX_FILTER_KEYS, SANDBOX_SORTS, sandboxListSchema, SHOWN_STATUSES, type SandboxListQuery } from "../sandboxes/list-schema";
import { sortParam } from "../lists/schema";
import { hasUsableCopy, sandboxSignInUrl } from "../sandboxes/sign-in";
import { sandboxOptionsSchema, savedChoicesFor } from "../sanitizer/options";
import { AppError } from "../errors";
import type { z } from "zod";
import { hasPermission } from "../auth/policy";
import { getProductionChoices } from "../wizard/queries";
import { orderedKind } from "../wizard/defaults";
import { parseInput } from "../actions/safe-action";
import { orderForCustomer, orderForOwnTenant } from "../orders/place";
import { tenantOfCustomer } from "../orders/queries";
import { confirmSetup, refreshWithChoices } from "../wizard/confirm";
import { apiOrderForCustomerSchema, apiOrderSchema, refreshSchema, setupSchema } from "./schemas";
import type { ChoicesSchema, OrderPlacedSchema, ProgressSchema, RunCancelledSchema, RunStartedSchema, SandboxDetailSchema, SandboxJson, SandboxPageSchema } from "./schemas";

interface SandboxRow {
  id: string;
  name: string;
  shown: string;
  status: string;
  databaseName: string | null;
  sandboxCustomerId: string | null;
  createdAt: Date;
  snapshotAt: Date | null;
  lastRefreshedAt: Date | null;
  sizeBytes: bigint | number | null;
  tenant: { companyName: string; customerId: string };
}

function sandboxJson(s: SandboxRow): SandboxJson {
  return {
    id: s.id,
    name: s.name,
    status: s.shown,
    customer: { id: s.tenant.customerId, name: s.tenant.companyName },
    createdAt: s.createdAt.toISOString(),
    productionDataAsOf: s.snapshotAt?.toISOString() ?? null,
    lastRefreshedAt: s.lastRefreshedAt?.toISOString() ?? null,
    sizeBytes: s.sizeBytes === null ? null : Number(s.sizeBytes),
    signInUrl: hasUsableCopy(s) ? sandboxSignInUrl(s.sandboxCustomerId) : null,
    links: { self: `/api/v1/sandboxes/${s.id}`, page: `/sandboxes/${s.id}` },
  };
}

/** What each list parameter takes, as a refusal says it. */
const LIST_PARAM_TAKES: Record<string, string> = {
  q: "Text of at most 200 characters, without the NUL character.",
  customer: "Text of at most 200 characters, without the NUL character.",
  orderer: "Text of at most 200 characters, without the NUL character.",
  status: `One of ${SHOWN_STATUSES.join(", ")}.`,
  from: "A day written as YYYY-MM-DD (UTC), such as 2026-11-30.",
  to: "A day written as YYYY-MM-DD (UTC), such as 2026-11-30.",
  sort: `One of ${Object.keys(SANDBOX_SORTS).join(", ")}; a leading - sorts descending.`,
  after: "A cursor from this list's `next` (or `previous`, for `before`), with the same sort; not both at once.",
  before: "A cursor from this list's `next` (or `previous`, for `before`), with the same sort; not both at once.",
  deleted: "`shown`, to list deleted sandboxes and cancelled orders too.",
};

/** The parameters the list takes, in the order a refusal names them. */
const LIST_PARAMS: readonly string[] = [...SANDBOX_FILTER_KEYS, "sort", "after", "before", "deleted"];

/**
 * The parameters the list's lenient reading passed over. The Sandboxes page shows its list
 * without them; the API refuses them (422): a pipeline whose `status=DELETNG` was read as no
 * filter would act on every sandbox, and one whose cursor was read as none would loop.
 */
function passedOver(params: URLSearchParams, query: SandboxListQuery): Record<string, string[]> {
  const given = (key: string) => params.get(key)?.trim() || undefined;
  const problems: string[] = [];
  // A parameter the list does not take at all (`state=DELETING`, `Status=READY`, a `limit`) was read as
  // nothing, so the answer listed every sandbox: a pipeline deleting what it listed deleted them all.
  const unknown = [...new Set(params.keys())].filter((key) => !LIST_PARAMS.includes(key));
  for (const key of SANDBOX_FILTER_KEYS) if (given(key) !== undefined && query[key] === undefined) problems.push(key);
  if (given("sort") !== undefined && sortParam(query.sort) !== given("sort")) problems.push("sort");
  if (given("after") !== undefined && !query.after) problems.push("after");
  if (given("before") !== undefined && !query.before) problems.push("before");
  // `deleted=true` was read as no such choice: the deleted sandboxes the pipeline asked for were silently left out.
  if (given("deleted") !== undefined && query.deleted === undefined) problems.push("deleted");
  return Object.fromEntries([
    ...problems.map((key) => [key, [LIST_PARAM_TAKES[key]!]]),
    ...unknown.slice(0, 50).map((key) => [key, [`Not a parameter of this list: it takes ${LIST_PARAMS.join(", ")}.`]]),
  ]);
}

/** A page of the sandboxes the caller may see, filtered, sorted and paged by the same URL parameters as the Sandboxes page. */
export async function sandboxesPage(actor: Actor, params: URLSearchParams): Promise<z.infer<typeof SandboxPageSchema>> {
  const query = sandboxListSchema.parse(Object.fromEntries(params));
  const refused = passedOver(params, query);
  if (Object.keys(refused).length > 0) throw new AppError("INVALID_INPUT", undefined, refused);
  const page = await listSandboxes(actor, query);
  return { data: page.rows.map(sandboxJson), next: page.next, previous: page.previous };
}

export async function sandboxDetail(actor: Actor, id: string): Promise<z.infer<typeof SandboxDetailSchema>> {
  const sandbox = await getSandboxForActor(actor, id);
  if (!sandbox) throw new AppError("NOT_FOUND");
  // No kind before the setup is confirmed: the choices do not exist yet.
  const options = sandbox.options ? sandboxOptionsSchema.safeParse(sandbox.options) : null;
  return { ...sandboxJson(sandbox), note: sandbox.note, kind: options?.success ? options.data.kind : null, confirmedAt: sandbox.confirmedAt?.toISOString() ?? null };
}

/**
 * Starts a refresh: with no body, the sandbox's saved choices (the page's button);
 * with the wizard's choices, as the wizard's refresh mode (the same checks).
 */
export async function refreshSandbox(actor: Actor, id: string, request: Request): Promise<z.infer<typeof RunStartedSchema>> {
  const body = await optionalJsonBody(request);
  let runId: string;
  if (body === undefined) ({ runId } = await startRefresh(actor, id));
  else {
    // Another tenant's sandbox is "not found" here too, before the wizard's own checks.
    const sandbox = await getSandboxForActor(actor, id);
    if (!sandbox) throw new AppError("NOT_FOUND");
    const input = parseInput(refreshSchema, startingFrom(body, sandbox.options));
    ({ runId } = await refreshWithChoices(actor, id, input.options, input.confirmations));
  }
  return { runId, links: { progress: `/api/v1/sandboxes/${id}/progress`, report: `/api/v1/sandboxes/${id}/runs/${runId}/report` } };
}

/** Deletes a sandbox; as on the page, only with its exact name. */
export async function deleteSandbox(actor: Actor, id: string, confirmName: string): Promise<z.infer<typeof RunStartedSchema>> {
  const { runId } = await startDelete(actor, id, confirmName);
  return { runId, links: { progress: `/api/v1/sandboxes/${id}/progress` } };
}

/** Cancels the sandbox's run, or stops its copy under way, as the page's button does; a deletion that has started goes on (409). */
export async function cancelSandboxRun(actor: Actor, id: string): Promise<z.infer<typeof RunCancelledSchema>> {
  const { runId, state } = await cancelRun(actor, id);
  return { runId, state, links: { progress: `/api/v1/sandboxes/${id}/progress` } };
}

/**
 * What the sandbox page polls: the newest run, its steps and the estimate; with `?run=`, that run. By the
 * newest alone, a pipeline whose run ended just before another began (the weekly refresh, a colleague's)
 * never learnt how its own ended.
 */
export async function sandboxProgress(actor: Actor, id: string, params: URLSearchParams): Promise<z.infer<typeof ProgressSchema>> {
  const snapshot = await getProgressSnapshot(actor, id, params.get("run") ?? undefined);
  if (!snapshot) throw new AppError("NOT_FOUND");
  return snapshot;
}

export async function runReport(actor: Actor, id: string, runId: string) {
  const run = await getRunReport(actor, id, runId);
  if (!run) throw new AppError("NOT_FOUND");
  return run.report;
}

/** Production's users and scheduled tasks for the sandbox's customer: what a setup chooses from. */
export async function sandboxChoices(actor: Actor, id: string): Promise<z.infer<typeof ChoicesSchema>> {
  if (!hasPermission(actor, "sandbox.configure")) throw new AppError("NOT_FOUND");
  const sandbox = await getSandboxForActor(actor, id);
  if (!sandbox) throw new AppError("NOT_FOUND");
  const { associates, tasks } = await getProductionChoices(sandbox.tenantId);
  return { associates, scheduledTasks: tasks };
}

const NOT_JSON = "The body must be a JSON object.";

/** The JSON body, or undefined when the request has none; a 422 problem when it is not JSON. */
async function optionalJsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("INVALID_INPUT", NOT_JSON);
  }
}

/** The JSON body of a request, or a 422 problem when it is missing or not JSON. */
async function jsonBody(request: Request): Promise<unknown> {
  const body = await optionalJsonBody(request);
  if (body === undefined) throw new AppError("INVALID_INPUT", NOT_JSON);
  return body;
}

/** An order, as on the order page: a customer admin for their own customer, an operator for the customer named by `customerId`. */
export async function placeOrder(actor: Actor, request: Request): Promise<z.infer<typeof OrderPlacedSchema>> {
  const body = await jsonBody(request);
  const { sandboxId } = hasPermission(actor, "sandbox.order")
    ? await orderForOwnTenant(actor, parseInput(apiOrderSchema, body))
    : await orderForNamedCustomer(actor, parseInput(apiOrderForCustomerSchema, body));
  return { sandboxId, links: { self: `/api/v1/sandboxes/${sandboxId}`, setup: `/api/v1/sandboxes/${sandboxId}/setup`, choices: `/api/v1/sandboxes/${sandboxId}/choices` } };
}

async function orderForNamedCustomer(actor: Actor, { customerId, ...order }: z.output<typeof apiOrderForCustomerSchema>) {
  const tenant = await tenantOfCustomer(customerId);
  if (!tenant) throw new AppError("INVALID_INPUT", undefined, { customerId: ["No customer of the portal's has this number."] });
  return orderForCustomer(actor, { ...order, tenantId: tenant.id });
}

/**
 * The choices a setup's or a refresh's body leaves out are those the wizard starts from: the kind
 * ordered for a setup, the saved choices for a refresh ("change what you need"), as the operator
 * CLI's refresh lays its flags over them. Left to the schema's defaults, a setup that named no kind
 * copied every customer record of an order for configuration only, and a refresh that named only
 * a new kind copied a pseudonymised sandbox's people as they are in production.
 */
function startingFrom(body: unknown, from: unknown): unknown {
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isObject(body) || !isObject(body.options) || !isObject(from)) return body;
  // Only the choices the schema reads: a saved key it no longer knows is no mistake of the request's.
  const known = Object.fromEntries(Object.entries(from).filter(([key]) => Object.hasOwn(sandboxOptionsSchema.shape, key)));
  return { ...body, options: { ...savedChoicesFor(known, body.options.kind), ...body.options } };
}

/** Confirms the setup with the wizard's choices ("there is no going back") and starts the copy. */
export async function confirmSandboxSetup(actor: Actor, id: string, request: Request): Promise<z.infer<typeof RunStartedSchema>> {
  const body = await jsonBody(request);
  const sandbox = await getSandboxForActor(actor, id);
  const input = parseInput(setupSchema, sandbox ? startingFrom(body, { kind: orderedKind(sandbox.orderedKind) }) : body);
  const { runId } = await confirmSetup(actor, id, input.options, input.confirmations);
  return { runId, links: { progress: `/api/v1/sandboxes/${id}/progress`, report: `/api/v1/sandboxes/${id}/runs/${runId}/report` } };
}
