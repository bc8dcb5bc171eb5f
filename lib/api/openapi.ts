/**
 * The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json and shown at
 * /api-reference. Schemas come from lib/api/schemas.ts (zod's own JSON Schema, which
 * is OpenAPI 3.1's dialect); the operations are listed once, here, and a test checks
 * them against the route files and the document against the OpenAPI schema.
 */
import { z } from "zod";
import type { ApiScope } from "../api-tokens/scopes";
import { API_PROBLEMS, type ApiProblemCode } from "./problem";
import { apiSchemas, requestBodies } from "./schemas";
import { EVENT_LABEL, WEBHOOK_EVENTS } from "../webhooks/events";
import { SANDBOX_SORTS, SHOWN_STATUSES } from "../sandboxes/list-schema";

type Method = "get" | "post" | "delete";

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  description: string;
  required?: boolean;
  /** The values it takes, when not any text. */
  values?: readonly string[];
}

export interface ApiOperation {
  method: Method;
  path: string;
  summary: string;
  scope: ApiScope;
  parameters?: Parameter[];
  /** The JSON body: one of these request schemas (lib/api/schemas.ts requestBodies). */
  body?: (keyof typeof requestBodies)[];
  /** The body may be left out (the operation then has a default). */
  bodyOptional?: boolean;
  /** The success answer: status, schema id (or a content type with no schema). */
  success: { status: number; schema: string; description: string; csv?: boolean };
  problems: ApiProblemCode[];
}

const sandboxId: Parameter = { name: "id", in: "path", required: true, description: "The sandbox's id." };
const idempotencyKey: Parameter = {
  name: "Idempotency-Key",
  in: "header",
  description:
    "Any 1–255 visible ASCII characters, kept a day per token: a retry with the same key gets the first successful answer again (with `Idempotent-Replayed: true`) instead of starting a second run; a retry with the same key while the first is still being answered gets a conflict (409), to be sent again shortly; the same key with another request is refused (422), whether or not the first has been answered. A refused request holds no key: mended, it may be sent again with the same one.",
};
const ALWAYS: ApiProblemCode[] = ["unauthenticated", "forbidden", "rate_limited"];

export const API_OPERATIONS: ApiOperation[] = [
  {
    method: "get",
    path: "/sandboxes",
    summary: "List the sandboxes the token's owner may see",
    scope: "sandboxes:read",
    parameters: [
      { name: "q", in: "query", description: "Search in names." },
      { name: "status", in: "query", description: "Only sandboxes showing this status (DELETING: a deletion under way).", values: SHOWN_STATUSES },
      { name: "customer", in: "query", description: "Staff only: a customer number or name." },
      { name: "orderer", in: "query", description: "Who ordered it." },
      { name: "from", in: "query", description: "Created on or after this day (YYYY-MM-DD, UTC)." },
      { name: "to", in: "query", description: "Created on or before this day (YYYY-MM-DD, UTC)." },
      { name: "sort", in: "query", description: "name, status, created or refreshed; a leading - sorts descending (default -created).", values: Object.keys(SANDBOX_SORTS).flatMap((k) => [k, `-${k}`]) },
      { name: "after", in: "query", description: "The `next` cursor of the previous answer." },
      { name: "before", in: "query", description: "The `previous` cursor of the previous answer." },
      { name: "deleted", in: "query", description: "`shown` lists deleted sandboxes and cancelled orders too." },
    ],
    success: { status: 200, schema: "SandboxPage", description: "One page of sandboxes, newest first unless sorted otherwise. A parameter that does not parse, or one the list does not take, is refused (422, naming it)." },
    // A parameter given that does not parse, or that the list does not take, is refused, never read as no filter.
    problems: [...ALWAYS, "invalid_input"],
  },
  {
    method: "post",
    path: "/sandboxes",
    summary: "Order a sandbox (a customer admin for their customer; an operator names the customer by `customerId`)",
    scope: "sandboxes:write",
    parameters: [idempotencyKey],
    body: ["Order", "OrderForCustomer"],
    success: { status: 201, schema: "OrderPlaced", description: "The order; its setup comes next (`links.setup`), choosing from `links.choices`." },
    // The order is placed on a sandbox server as it is filed: a full or draining pool refuses it (lib/orders/mutations.ts).
    problems: [...ALWAYS, "invalid_input", "conflict", "no_capacity"],
  },
  {
    method: "post",
    path: "/sandboxes/{id}/setup",
    summary: "Confirm the setup with the wizard's choices and start the copy",
    scope: "sandboxes:write",
    parameters: [sandboxId, idempotencyKey],
    body: ["Setup"],
    success: { status: 202, schema: "RunStarted", description: "The copy is queued; follow it at `links.progress`." },
    // The choices are checked against production as it is now: a read of it may be refused (lib/tenants/production-at.ts).
    problems: [...ALWAYS, "not_found", "invalid_input", "conflict", "run_in_progress", "no_capacity", "production_unavailable", "production_refused"],
  },
  {
    method: "get",
    path: "/sandboxes/{id}",
    summary: "Read one sandbox",
    scope: "sandboxes:read",
    parameters: [sandboxId],
    success: { status: 200, schema: "SandboxDetail", description: "The sandbox." },
    problems: [...ALWAYS, "not_found"],
  },
  {
    method: "delete",
    path: "/sandboxes/{id}",
    summary: "Delete a sandbox (its database and every access to it)",
    scope: "sandboxes:write",
    parameters: [sandboxId, { name: "confirmName", in: "query", required: true, description: "The sandbox's exact name." }, idempotencyKey],
    success: { status: 202, schema: "RunStarted", description: "The deletion is queued; follow it at `links.progress`." },
    problems: [...ALWAYS, "not_found", "invalid_input", "conflict", "run_in_progress"],
  },
  {
    method: "get",
    path: "/sandboxes/{id}/choices",
    summary: "Read the users and scheduled tasks a setup of this sandbox's customer chooses from",
    scope: "sandboxes:write",
    parameters: [sandboxId],
    success: { status: 200, schema: "Choices", description: "Production's users (with their user plans) and scheduled tasks, read now." },
    problems: [...ALWAYS, "not_found", "production_unavailable", "production_refused"],
  },
  {
    method: "get",
    path: "/sandboxes/{id}/progress",
    summary: "Follow the sandbox's newest run, or the run named by `run`",
    scope: "sandboxes:read",
    parameters: [
      sandboxId,
      { name: "run", in: "query", description: "A run's id (`runId` of the answer that started it): that run, even once another has begun after it; 404 when the sandbox has no run by that id." },
    ],
    success: { status: 200, schema: "Progress", description: "The newest run (or the one named), its steps and the estimate." },
    problems: [...ALWAYS, "not_found"],
  },
  {
    method: "post",
    path: "/sandboxes/{id}/refresh",
    summary: "Refresh a ready sandbox with its saved choices, or with changed ones",
    scope: "sandboxes:write",
    parameters: [sandboxId, idempotencyKey],
    body: ["Refresh"],
    bodyOptional: true,
    success: { status: 202, schema: "RunStarted", description: "The refresh is queued; follow it at `links.progress`." },
    problems: [...ALWAYS, "not_found", "conflict", "run_in_progress", "invalid_input", "no_capacity", "production_unavailable", "production_refused"],
  },
  {
    method: "post",
    path: "/sandboxes/{id}/cancel",
    summary: "Cancel the sandbox's run: one that waits to start ends now; a copy under way is stopped, and a deletion under way goes on (409)",
    scope: "sandboxes:write",
    parameters: [sandboxId, idempotencyKey],
    success: { status: 200, schema: "RunCancelled", description: "The run is cancelled, or its copy is stopping; either way nothing of it is kept, and the sandbox keeps the copy it had." },
    problems: [...ALWAYS, "not_found", "conflict"],
  },
  {
    method: "get",
    path: "/sandboxes/{id}/runs/{runId}/report",
    summary: "Read a run's sanitization report",
    scope: "reports:read",
    parameters: [sandboxId, { name: "runId", in: "path", required: true, description: "The run's id." }, { name: "format", in: "query", description: "`csv` for CSV; JSON otherwise." }],
    success: { status: 200, schema: "Report", description: "The report, as JSON or (with format=csv) CSV. A run has none until it has succeeded, nor once RUN_REPORT_RETENTION_DAYS dropped it (404).", csv: true },
    problems: [...ALWAYS, "not_found"],
  },
];

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

function components(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(apiSchemas, { uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Record<string, unknown>> };
  // Each schema sits inside the document: no $schema or $id of its own.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]));
}

/** The order form's and the wizard's own zod schemas, as what a client sends (their input side). */
function requestBody(names: (keyof typeof requestBodies)[], optional = false) {
  const schemas = names.map((name) => {
    const { $schema: _s, ...schema } = z.toJSONSchema(requestBodies[name].schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    return { title: name, description: requestBodies[name].description, ...schema };
  });
  return { required: !optional, content: { "application/json": { schema: schemas.length === 1 ? schemas[0] : { oneOf: schemas } } } };
}

/** The headers answers carry, by the problem they answer (lib/api/route.ts). */
const PROBLEM_HEADERS: Partial<Record<ApiProblemCode, Record<string, unknown>>> = {
  unauthenticated: { "WWW-Authenticate": { description: '`Bearer realm="api"`; with `error="invalid_token"` when a token was sent that does not work (unknown, revoked, expired, or its owner changed).', schema: { type: "string" } } },
  rate_limited: { "Retry-After": { description: "Seconds until the token's rate allows a request again.", schema: { type: "integer" } } },
  // lib/api/route.ts RETRY_AFTER_SECONDS; no_capacity has none (room comes back at no time the portal can foresee).
  production_unavailable: {
    "Retry-After": {
      description: "With `production_unavailable`: seconds to wait before asking again, 60 while production is busy (a table locked, a query too long), 300 while it cannot be reached. `no_capacity` names no time: room comes back when a sandbox is deleted or a server added.",
      schema: { type: "integer" },
    },
  },
};
const REPLAYED = { "Idempotent-Replayed": { description: "`true` on an answer given again for a repeated `Idempotency-Key`.", schema: { type: "string", enum: ["true"] } } };

/** A 201's or 202's Location (lib/api/location.ts), on an answer given again too. */
const LOCATION: Record<number, Record<string, unknown>> = {
  201: { Location: { description: "The new sandbox's address (`links.self`).", schema: { type: "string" } } },
  202: { Location: { description: "Where to follow the run started: its progress, by its id (`links.progress` with `?run=` and `runId`).", schema: { type: "string" } } },
};

function operation(op: ApiOperation) {
  const idempotent = op.parameters?.includes(idempotencyKey) ?? false;
  const successHeaders = { ...LOCATION[op.success.status], ...(idempotent ? REPLAYED : {}) };
  const responses: Record<string, unknown> = {
    [op.success.status]: {
      description: op.success.description,
      ...(Object.keys(successHeaders).length > 0 ? { headers: successHeaders } : {}),
      content: { "application/json": { schema: ref(op.success.schema) }, ...(op.success.csv ? { "text/csv": { schema: { type: "string" } } } : {}) },
    },
  };
  // Every body is bounded (lib/api/route.ts), sent where one is read or not; an Idempotency-Key may be refused (422) or still in flight (409).
  const problems = new Set([...op.problems, ...(op.method === "get" ? [] : ["payload_too_large" as const]), ...(idempotent ? ["invalid_input" as const, "conflict" as const] : [])]);
  for (const code of problems) {
    const { status, title } = API_PROBLEMS[code];
    const earlier = responses[status] as { description: string; headers?: Record<string, unknown> } | undefined;
    const headers = { ...earlier?.headers, ...PROBLEM_HEADERS[code] };
    responses[status] = {
      description: earlier ? `${earlier.description} Or: ${title}` : title,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: { "application/problem+json": { schema: ref("Problem") } },
    };
  }
  return {
    summary: op.summary,
    operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
    description: `Needs a token with the \`${op.scope}\` scope.`,
    security: [{ bearerToken: [op.scope] }],
    parameters: (op.parameters ?? []).map((p) => ({ name: p.name, in: p.in, description: p.description, required: p.required ?? false, schema: { type: "string", ...(p.values ? { enum: p.values } : {}) } })),
    ...(op.body ? { requestBody: requestBody(op.body, op.bodyOptional) } : {}),
    responses,
  };
}

/** What the portal POSTs to a customer's endpoints (registered on the Webhooks page). */
function webhooks() {
  return Object.fromEntries(
    WEBHOOK_EVENTS.map((event) => [
      event,
      {
        post: {
          summary: EVENT_LABEL[event],
          requestBody: { required: true, content: { "application/json": { schema: ref("WebhookEvent") } } },
          responses: { "200": { description: "Any 2xx within 15 seconds acknowledges the event; anything else is retried with back-off." } },
        },
      },
    ]),
  );
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);
  return {
    openapi: "3.1.0",
    info: {
      title: "Sandbox Portal API",
      version: "1",
      description: "Sanitized copies of a CRM production database for pipelines: list, follow, refresh and delete sandboxes, cancel a run or stop its copy, and read their reports. Send a personal access token (made on the portal's API tokens page) as `Authorization: Bearer sbp_…`.",
    },
    servers: [{ url: "/api/v1" }],
    components: {
      schemas: components(),
      securitySchemes: { bearerToken: { type: "http", scheme: "bearer", description: "A personal access token (sbp_…), with the scopes each operation names." } },
    },
    paths,
    webhooks: webhooks(),
  };
}
