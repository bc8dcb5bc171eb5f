/** GET /api/v1/sandboxes/{id}/runs/{runId}/report[?format=csv]: a run's sanitization report (scope reports:read). */
import { apiJson, apiRoute, methodsNotAllowed } from "@/lib/api/route";
import { runReport } from "@/lib/api/sandboxes";
import { reportToCsv } from "@/lib/sanitizer/report";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string; runId: string }>("reports:read", async ({ actor }, request, { id, runId }) => {
  const report = await runReport(actor, id, runId);
  if (new URL(request.url).searchParams.get("format") !== "csv") return apiJson(report);
  return new Response(reportToCsv(report), { headers: { "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store" } });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("/sandboxes/{id}/runs/{runId}/report");
