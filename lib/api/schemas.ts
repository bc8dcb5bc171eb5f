/**
 * What /api/v1 answers, as zod schemas: the handlers' answers are typed by them, and
 * the OpenAPI document (lib/api/openapi.ts) is generated from them, so the document
 * cannot drift from what the code returns.
 */
import { z } from "zod";
import { API_PROBLEMS } from "./problem";
import { orderSchema } from "../orders/schema";
import { confirmRefreshSchema, confirmWizardSchema } from "../wizard/schema";
import { sandboxOptionsSchema } from "../sanitizer/options";
import { WEBHOOK_EVENTS } from "../webhooks/events";
import { RUN_FAILURE_CODE_NAMES, RUN_FAILURE_CODES_DESCRIPTION } from "./run-failure";

export const apiSchemas = z.registry<{ id: string; description?: string }>();

const when = z.iso.datetime();

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(Object.keys(API_PROBLEMS) as [keyof typeof API_PROBLEMS, ...(keyof typeof API_PROBLEMS)[]]),
    detail: z.string().optional(),
    errors: z.record(z.string(), z.array(z.string())).optional(),
  })
  .register(apiSchemas, { id: "Problem", description: "Problem details (RFC 9457); `code` is stable." });

const SandboxSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.string().meta({ description: "As the portal shows it: AWAITING_SETUP, QUEUED, PROVISIONING, READY, REFRESHING, DELETING, FAILED, NOT_CREATED (its creation was cancelled or stopped), DELETED, CANCELLED (an order cancelled before its setup)." }),
    customer: z.object({ id: z.string(), name: z.string() }),
    createdAt: when,
    productionDataAsOf: when.nullable(),
    lastRefreshedAt: when.nullable(),
    sizeBytes: z.number().nullable(),
    signInUrl: z.string().nullable().meta({ description: "Where the sandbox's users sign in, once it has a usable copy." }),
    links: z.object({ self: z.string(), page: z.string() }),
  })
  .register(apiSchemas, { id: "Sandbox" });

export const SandboxDetailSchema = SandboxSchema.extend({
  note: z.string().nullable(),
  kind: z.string().nullable().meta({ description: "What the sandbox holds: full, partial or config (configuration only); null until the setup is confirmed." }),
  confirmedAt: when.nullable(),
}).register(apiSchemas, { id: "SandboxDetail" });

export const SandboxPageSchema = z
  .object({
    data: z.array(SandboxSchema),
    next: z.string().nullable().meta({ description: "Pass as `after` for the next page; null on the last." }),
    previous: z.string().nullable().meta({ description: "Pass as `before` for the previous page; null on the first." }),
  })
  .register(apiSchemas, { id: "SandboxPage" });

export const RunStartedSchema = z
  .object({ runId: z.string(), links: z.object({ progress: z.string(), report: z.string().optional() }) })
  .register(apiSchemas, { id: "RunStarted" });

export const RunCancelledSchema = z
  .object({
    runId: z.string().meta({ description: "The run cancelled." }),
    state: z.enum(["cancelled", "stopping"]).meta({
      description:
        "`cancelled`: it had not started, and ended now; nothing of it was made. `stopping`: its copy was under way, and its worker stops it within seconds, drops what it made and ends it; the progress then says CANCELLED (or SUCCEEDED, if its copy was already in place).",
    }),
    links: z.object({ progress: z.string() }),
  })
  .register(apiSchemas, { id: "RunCancelled" });

/** Why a failed run failed, for a pipeline to branch on (lib/api/run-failure.ts); null unless the run FAILED. */
const failureCode = z.enum(RUN_FAILURE_CODE_NAMES).nullable().meta({ description: RUN_FAILURE_CODES_DESCRIPTION });
const retryable = z.boolean().nullable().meta({
  description: "For a FAILED run: whether the same run, retried unchanged (later, for a busy or unreachable production), may well succeed; false when its choices must change or someone must act first (see `failureCode`). Null for any other status.",
});

const StepSchema = z.object({
  key: z.string(),
  label: z.string(),
  state: z.string(),
  done: z.number().optional(),
  total: z.number().optional(),
  unit: z.enum(["rows", "bytes", "checks"]).optional(),
  detail: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});

export const ProgressSchema = z
  .object({
    sandboxStatus: z.string(),
    run: z
      .object({
        id: z.string(),
        kind: z.string().meta({ description: "PROVISION, REFRESH or DELETE." }),
        status: z.string().meta({ description: "QUEUED, RUNNING, SUCCEEDED, FAILED, or CANCELLED (ended at its customer's word: before it started, or stopped while it ran)." }),
        createdAt: when,
        startedAt: when.nullable(),
        finishedAt: when.nullable(),
        error: z.string().nullable().meta({
          description:
            "Once the run has ended FAILED: what went wrong, in plain words; once CANCELLED: why. Null for any other status, a run queued again for a retry too (its last attempt's reason is then in `waiting`).",
        }),
        failureCode,
        retryable,
        waiting: z.string().nullable().meta({
          description: "Why the run does not move, in plain words: what a queued run waits for (a free slot or room on its sandbox server, or the time of its next attempt and why the last one stopped), or that a running run's worker was lost and the run waits to be queued again.",
        }),
        stopping: z.boolean().meta({ description: "Its customer asked to stop its copy (`POST …/cancel`), and its worker is stopping it: what it made is dropped, and it ends CANCELLED." }),
        progress: z.object({ steps: z.array(StepSchema) }),
      })
      .nullable(),
    fraction: z.number().meta({ description: "How far the run has come, 0 to 1." }),
    typicalMs: z.number().nullable().meta({
      description: "How long the customer's past copies of the same shape took (kind, personal data, documents and attachments), the median of the last seven; null when there is none.",
    }),
    remainingMs: z.number().nullable().meta({
      description: "The run's time left: from typicalMs at first, more and more from its own pace as it goes; null while there is nothing to go on, and for a run that is not active.",
    }),
    now: when,
  })
  .register(apiSchemas, { id: "Progress", description: "The newest run of the sandbox, its steps, and the estimate." });

export const ReportSchema = z
  .record(z.string(), z.unknown())
  .register(apiSchemas, { id: "Report", description: "The sanitization report: what every contract rule changed and every check on the copy." });

export const ChoicesSchema = z
  .object({
    associates: z.array(
      z.object({
        id: z.number().int(),
        username: z.string(),
        fullName: z.string(),
        email: z.string().nullable(),
        userPlan: z.string().nullable(),
        canLogin: z.boolean(),
        isRetired: z.boolean(),
      }),
    ),
    scheduledTasks: z.array(
      z.object({ id: z.number().int(), name: z.string(), kind: z.string(), schedule: z.string(), enabled: z.boolean(), lastRunAt: when.nullable() }),
    ),
  })
  .register(apiSchemas, { id: "Choices", description: "Production's users and scheduled tasks, as a setup chooses from them (read now, from production)." });

/**
 * Request bodies: the order form's and the wizard's own schemas (no second set of rules), strict
 * as the order's are: a choice the portal does not read is refused, not dropped. Dropped, a
 * misspelt `personal_data: "pseudonymise"` left the copy to its default, production's people as they are.
 */
export const setupSchema = confirmWizardSchema.omit({ sandboxId: true }).extend({ options: sandboxOptionsSchema.strict() }).strict();
export const refreshSchema = confirmRefreshSchema.omit({ sandboxId: true }).extend({ options: sandboxOptionsSchema.strict() }).strict();
/**
 * The order form's fields, strict: a key the portal does not read is refused, not dropped
 * (a customer admin's `customerId` once named nothing, silently), and the document's two
 * bodies cannot both match one order.
 */
export const apiOrderSchema = orderSchema.strict();
/** An operator names the customer as every answer does (`customer.id`): its customer number. */
export const apiOrderForCustomerSchema = orderSchema
  .extend({ customerId: z.string({ error: "Name the customer by its number, as `customer.id` shows it." }).trim().min(1, { error: "Name the customer by its number, as `customer.id` shows it." }) })
  .strict();
export const requestBodies = {
  Order: { schema: apiOrderSchema, description: "A customer admin's order for their own customer." },
  OrderForCustomer: { schema: apiOrderForCustomerSchema, description: "An operator's order on a customer's behalf: the same, with the customer's number (`customerId`, as `customer.id` shows it)." },
  Setup: { schema: setupSchema, description: "The setup wizard's choices, and that there is no going back. A choice left out takes its default, but `kind` the kind ordered." },
  Refresh: {
    schema: refreshSchema,
    description: "Changed choices for this refresh (the wizard's refresh mode), and that the sandbox is overwritten: a choice left out of `options` stays as saved. Without a body the saved choices are used.",
  },
} as const;

export const OrderPlacedSchema = z
  .object({ sandboxId: z.string(), links: z.object({ self: z.string(), setup: z.string(), choices: z.string() }) })
  .register(apiSchemas, { id: "OrderPlaced" });

export type SandboxJson = z.infer<typeof SandboxSchema>;

/** The body of every webhook POST (lib/webhooks/outbox.ts builds it); the document's `webhooks` section. */
export const WebhookEventSchema = z
  .object({
    type: z.enum(WEBHOOK_EVENTS),
    timestamp: when,
    data: z.object({
      sandbox: z.object({ id: z.string(), name: z.string(), status: z.string(), customer: z.object({ id: z.string(), name: z.string() }) }),
      run: z.object({
        id: z.string(),
        kind: z.enum(["PROVISION", "REFRESH", "DELETE"]),
        status: z.string(),
        error: z.string().nullable().meta({ description: "Why a failed run failed, in the words the portal shows; null for any other status." }),
        failureCode,
        retryable,
        finishedAt: when.nullable(),
      }),
      links: z.object({ sandbox: z.string(), progress: z.string(), report: z.string().nullable(), page: z.string() }),
    }),
  })
  .register(apiSchemas, {
    id: "WebhookEvent",
    description: "Signed in the Standard Webhooks style: headers webhook-id (the same on retries and replays), webhook-timestamp and webhook-signature (v1, HMAC-SHA256 with the endpoint's secret).",
  });
export type WebhookPayload = z.infer<typeof WebhookEventSchema>;
