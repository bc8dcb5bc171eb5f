/** A run's sanitization report as a download: ?format=json (default) or ?format=csv. Session and tenant checked. */
import { NextResponse } from "next/server";
import { getActor } from "@/lib/auth/actor";
import { hasPermission } from "@/lib/auth/policy";
import { routeRefusal } from "@/lib/http/route-refusal";
import { getRunReport } from "@/lib/sandboxes/queries";
import { reportToCsv } from "@/lib/sanitizer/report";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string; runId: string }> }) {
  const actor = await getActor();
  if (!actor) return routeRefusal("UNAUTHENTICATED");
  if (!hasPermission(actor, "sandbox.view")) return routeRefusal("FORBIDDEN");
  const { id, runId } = await params;
  const run = await getRunReport(actor, id, runId);
  if (!run) return routeRefusal("NOT_FOUND");

  const format = new URL(request.url).searchParams.get("format") === "csv" ? "csv" : "json";
  const base = `sanitization-report-${fileSafe(run.sandbox.name)}-${run.id}`;
  const body = format === "csv" ? reportToCsv(run.report) : JSON.stringify(run.report, null, 2);
  return new NextResponse(body, {
    headers: {
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${base}.${format}"`,
      "Cache-Control": "no-store",
    },
  });
}

function fileSafe(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "sandbox";
}
