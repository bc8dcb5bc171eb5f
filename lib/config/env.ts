/**
 * Environment variables, validated once with a message that names what is wrong.
 * Read lazily so that `next build` needs none of them; the launcher
 * (scripts/launch.ts) fills in local defaults before the app starts.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { describeTlsGap } from "../db/tls-policy";
import { parseProxyTrust } from "../http/client-address";
import { sandboxServerUrlProblem } from "../sandbox-servers/url-parameters";
import { copyLimitsShape } from "./copy-limits";
import { setVariables } from "./set-variables";
import { DEFAULT_SIGN_IN_URL_TEMPLATE, signInUrlTemplateSchema } from "./sign-in-url-template";

/** The portal's address when NEXTAUTH_URL does not say: where `npm run dev` answers. */
export const DEFAULT_PORTAL_URL = "http://localhost:3000";

/** pino's levels: `silent` turns logging off. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const isSecretKey = (value: string) => Buffer.from(value.trim(), "base64").length === 32;
const booleanString = z.enum(["true", "false"]).transform((v) => v === "true");

/**
 * Why WEBHOOK_CA_FILE cannot serve as receivers' extra authorities, or null. Read only when
 * each delivery was attempted, a mistyped path failed every one of them (the file read
 * threw before any was sent), and a file holding no certificate was taken as none
 * (Node trusts no authority from text that is not PEM, and says nothing).
 */
function caFileProblem(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code ?? "unreadable"}): it must name a PEM file of certificate authorities`;
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return "holds no PEM certificate (a -----BEGIN CERTIFICATE----- block): give the authorities in PEM form";
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      return `its certificate number ${i + 1} is not a certificate that can be read`;
    }
  }
  return null;
}

const schema = z
  .object({
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" }),
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters"),
    NEXTAUTH_URL: z.url().optional(),
    DATABASE_SECRETS_KEY: z
      .string()
      .refine(isSecretKey, "must be 32 bytes, base64-encoded (openssl rand -base64 32)"),
    /** Keys rotated out but still opening values sealed with them, until `secrets:rotate` has re-sealed those. */
    DATABASE_SECRETS_PREVIOUS_KEYS: z
      .string()
      .refine((v) => v.split(",").every((k) => k.trim() === "" || isSecretKey(k)), "each comma-separated key must be 32 bytes, base64-encoded")
      .optional(),
    // The embedded launcher fills it in; with DATABASE_URL it must be given (README: "Sandbox servers and roles").
    SANDBOX_SERVER_URL: z.url({
      protocol: /^postgres(ql)?$/,
      error: "must be the postgres:// URL of a role that can create databases and nothing more",
    }),
    SANDBOX_SIGN_IN_URL_TEMPLATE: signInUrlTemplateSchema.default(DEFAULT_SIGN_IN_URL_TEMPLATE),
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    MAIL_FROM: z.string().default("Sandbox Portal <no-reply@sandbox-portal.local>"),
    OUTBOX_DIR: z.string().default(".data/outbox"),
    OIDC_ISSUER: z.url().optional(),
    OIDC_CLIENT_ID: z.string().optional(),
    OIDC_CLIENT_SECRET: z.string().optional(),
    OIDC_NAME: z.string().default("Single sign-on"),
    /** For a provider that never sends email_verified and lets no one set their own address. */
    OIDC_TRUST_UNVERIFIED_EMAIL: booleanString.default(false),
    WORKER_IN_APP: booleanString.default(true),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
    // Parsed as the web server parses it: a malformed entry was found only once the launcher had migrated and seeded.
    TRUSTED_PROXIES: z
      .string()
      .superRefine((list, ctx) => {
        try {
          parseProxyTrust(list, undefined);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message.replace(/^TRUSTED_PROXIES: /, "") });
        }
      })
      .optional(),
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).optional(),
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
    /** Requests one API token may make per minute, across every app instance (lib/api-tokens/authenticate.ts). */
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
    /** Private ranges webhooks may be sent to, e.g. "10.20.0.0/16,127.0.0.1" (lib/webhooks/targets.ts); none by default. */
    WEBHOOK_ALLOW_PRIVATE_TARGETS: z
      .string()
      .refine((v) => v.split(",").every((entry) => entry.trim() === "" || /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry.trim())), "must be comma-separated addresses or CIDR ranges, such as 10.20.0.0/16")
      .optional(),
    /** A PEM file of certificate authorities webhook receivers may also be signed by (an internal CA); the system's are always trusted. */
    WEBHOOK_CA_FILE: z
      .string()
      .superRefine((file, ctx) => {
        const problem = caFileProblem(file);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
    LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
    SESSION_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(720).default(8),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).optional(),
    DATA_DIR: z.string().optional(),
    CRM_CLASSIFICATION_FILE: z.string().optional(),
    SEED_DEMO_DATA: booleanString.optional(),
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    /** A separate worker's own metrics endpoint (lib/observability/worker-metrics-server.ts); unset: none. */
    WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    ALERT_REPEAT_HOURS: z.coerce.number().positive().default(24),
    ALERT_QUEUE_AGE_MINUTES: z.coerce.number().int().min(1).default(15),
    // Unset: the audit log is kept for ever (lib/audit/retention.ts). At least 90 days.
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(90, "must be at least 90 days").optional(),
    // Unset: every run keeps its report for ever (lib/sandboxes/report-retention.ts). At least 30 days.
    RUN_REPORT_RETENTION_DAYS: z.coerce.number().int().min(30, "must be at least 30 days").optional(),
    // Read by lib/db/tls-policy.ts itself (the worker and the CLI read it without the web app); checked here with the URLs below.
    REQUIRE_DATABASE_TLS: booleanString.default(false),
    // Read by lib/observability/log.ts itself (the logger exists before the environment is checked); listed to be checked.
    LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
    ...copyLimitsShape,
  })
  .refine(
    (e) => [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET].every((v) => v === undefined) ||
      [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET].every((v) => v !== undefined),
    { message: "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together: set all three or none", path: ["OIDC_ISSUER"] },
  )
  .refine((e) => e.WORKER_METRICS_PORT === undefined || e.METRICS_TOKEN !== undefined, {
    message: "needs METRICS_TOKEN: a worker's metrics are read with the same bearer token as /api/metrics",
    path: ["WORKER_METRICS_PORT"],
  })
  .superRefine((e, ctx) => {
    const settings = sandboxServerUrlProblem(e.SANDBOX_SERVER_URL);
    if (settings) ctx.addIssue({ code: "custom", path: ["SANDBOX_SERVER_URL"], message: settings });
    if (!e.REQUIRE_DATABASE_TLS) return;
    for (const name of ["DATABASE_URL", "SANDBOX_SERVER_URL"] as const) {
      const gap = describeTlsGap(e[name]);
      if (gap) ctx.addIssue({ code: "custom", path: [name], message: `${gap}; REQUIRE_DATABASE_TLS refuses it` });
    }
  });

export type Env = z.infer<typeof schema>;

/** Every variable checked here: README's configuration table and .env.example name each one (documented.test.ts). */
export const CHECKED_VARIABLES: readonly string[] = Object.keys(schema.shape);

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(setVariables(process.env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment configuration (see .env.example):\n${problems}`);
  }
  cached = parsed.data;
  return cached;
}

export function oidcEnabled(): boolean {
  return env().OIDC_ISSUER !== undefined;
}
