/**
 * The filtered audit log as CSV, checked like the page: a session (401), the
 * permission (403) and the tenant (customers get their own tenant's rows, whatever
 * the URL asks). Streamed in keyset batches, so a large export never sits in memory.
 */
import { getActor } from "@/lib/auth/actor";
import { hasPermission } from "@/lib/auth/policy";
import { eachAuditEvent } from "@/lib/audit/queries";
import { parseAuditQuery } from "@/lib/audit/schema";
import { auditActorWords } from "@/lib/audit/sentences";
import { csvLine } from "@/lib/csv";
import { AppError } from "@/lib/errors";
import { routeRefusal } from "@/lib/http/route-refusal";

export const dynamic = "force-dynamic";

const HEADER = ["time (UTC)", "sentence", "actor", "tenant", "action", "details"];

export async function GET(request: Request) {
  const actor = await getActor();
  if (!actor) return routeRefusal("UNAUTHENTICATED");
  if (!hasPermission(actor, "audit.view")) return routeRefusal("FORBIDDEN");
  const parsed = parseAuditQuery(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.ok) return routeRefusal("INVALID_INPUT", { body: { problems: parsed.problems } });
  const { before: _before, after: _after, ...filter } = parsed.query;

  const events = eachAuditEvent(actor, filter);
  // The first batch is read before answering: a filter the log cannot be read by (one naming too
  // many sandboxes) is refused with its reason, not a download broken after its header.
  let first: Awaited<ReturnType<typeof events.next>> | undefined;
  try {
    first = await events.next();
  } catch (error) {
    if (error instanceof AppError && error.code === "INVALID_INPUT") return routeRefusal("INVALID_INPUT", { body: { problems: [error.userMessage] } });
    throw error;
  }
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(HEADER)));
    },
    // Pulled as the client reads: one row at a time, the next batch fetched only when needed.
    async pull(controller) {
      const next = first ?? (await events.next());
      first = undefined;
      if (next.done) return controller.close();
      const e = next.value;
      const who = e.actor ? `${e.actor.name} <${e.actor.email}>` : auditActorWords(null, e.details);
      const tenant = e.tenant ? `${e.tenant.companyName} (${e.tenant.customerId})` : "";
      controller.enqueue(encoder.encode(csvLine([e.createdAt.toISOString(), e.sentence, who, tenant, e.action, e.details === null ? "" : JSON.stringify(e.details)])));
    },
    async cancel() {
      await events.return(undefined);
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-log-${day}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
