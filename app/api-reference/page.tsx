import type { Metadata } from "next";
import Link from "next/link";
import { API_PROBLEMS } from "@/lib/api/problem";
import { API_OPERATIONS, openApiDocument } from "@/lib/api/openapi";
import { requestBodies } from "@/lib/api/schemas";
import { EVENT_LABEL, WEBHOOK_EVENTS } from "@/lib/webhooks/events";

export const metadata: Metadata = { title: "API reference" };

const METHOD_CLASS = { get: "bg-brand-50 text-brand-900", post: "bg-emerald-50 text-emerald-900", delete: "bg-red-50 text-red-900" } as const;

/** The API reference, readable without a token: every operation from the OpenAPI document, and its schemas. */
export default function ApiReferencePage() {
  const doc = openApiDocument();
  return (
    <main id="main" className="mx-auto max-w-4xl space-y-8 px-4 py-8">
      <header>
        <h1 className="text-2xl font-semibold">{doc.info.title}</h1>
        <p className="mt-2 text-sm text-slate-700">{doc.info.description}</p>
        <p className="mt-2 text-sm">
          Base path <code>/api/v1</code>. Machine-readable: <a className="text-brand-700 underline" href="/api/v1/openapi.json">OpenAPI 3.1 document</a>. Tokens are made on
          the portal&apos;s <Link className="text-brand-700 underline" href="/api-tokens">API tokens</Link> page.
        </p>
      </header>
      <section aria-labelledby="errors-heading">
        <h2 id="errors-heading" className="text-lg font-semibold">
          Errors
        </h2>
        <p className="mt-1 text-sm text-slate-700">Every error is <code>application/problem+json</code> (RFC 9457) with a stable <code>code</code>:</p>
        <ul className="mt-2 list-disc space-y-1 pl-6 text-sm">
          {Object.entries(API_PROBLEMS).map(([code, { status, title }]) => (
            <li key={code}>
              <code>{code}</code> ({status}): {title}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="operations-heading" className="space-y-6">
        <h2 id="operations-heading" className="text-lg font-semibold">
          Operations
        </h2>
        {API_OPERATIONS.map((op) => (
          <article key={`${op.method} ${op.path}`} aria-labelledby={`op-${op.method}-${op.path}`} className="rounded-md border border-slate-200 bg-white p-4">
            <h3 id={`op-${op.method}-${op.path}`} className="flex flex-wrap items-center gap-2 font-mono text-sm">
              <span className={`rounded px-2 py-0.5 font-semibold uppercase ${METHOD_CLASS[op.method]}`}>{op.method}</span>
              <span className="break-all">/api/v1{op.path}</span>
            </h3>
            <p className="mt-2 text-sm">{op.summary}.</p>
            <p className="mt-1 text-sm text-slate-700">
              Scope <code>{op.scope}</code>. Answers {op.success.status} with <code>{op.success.schema}</code>: {op.success.description}
            </p>
            {op.parameters && op.parameters.length > 0 && (
              <dl className="mt-2 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
                {op.parameters.map((p) => (
                  <div key={p.name} className="contents">
                    <dt className="font-mono">
                      {p.name} <span className="text-slate-600">({p.in}{p.required ? ", required" : ""})</span>
                    </dt>
                    <dd className="text-slate-700">{p.description}</dd>
                  </div>
                ))}
              </dl>
            )}
            {op.body && (
              <p className="mt-2 text-sm text-slate-700">
                Body (JSON): {op.body.map((name) => `${name}: ${requestBodies[name].description}`).join(" Or ")}
              </p>
            )}
            <p className="mt-2 text-sm text-slate-700">Problems: {op.problems.map((c) => `${c} (${API_PROBLEMS[c].status})`).join(", ")}.</p>
          </article>
        ))}
      </section>
      <section aria-labelledby="webhooks-heading">
        <h2 id="webhooks-heading" className="text-lg font-semibold">
          Webhooks
        </h2>
        <p className="mt-1 text-sm text-slate-700">
          What the portal POSTs to the endpoints a customer admin registers on the Webhooks page, each with the body <code>WebhookEvent</code>, signed in the
          Standard Webhooks style:
        </p>
        <ul className="mt-2 list-disc pl-6 text-sm">
          {WEBHOOK_EVENTS.map((event) => (
            <li key={event}>
              <code>{event}</code>: {EVENT_LABEL[event]}.
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="schemas-heading">
        <h2 id="schemas-heading" className="text-lg font-semibold">
          Schemas
        </h2>
        {Object.entries(doc.components.schemas).map(([id, schema]) => (
          <details key={id} className="mt-2 rounded-md border border-slate-200 bg-white p-3">
            <summary className="cursor-pointer font-mono text-sm">{id}</summary>
            <pre className="mt-2 overflow-x-auto text-xs">{JSON.stringify(schema, null, 2)}</pre>
          </details>
        ))}
      </section>
    </main>
  );
}
