/** Prometheus metrics, behind METRICS_TOKEN (see lib/observability/metrics-access.ts). */
import { webAppRegistry } from "@/lib/observability/metrics";
import { metricsAccess } from "@/lib/observability/metrics-access";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const access = metricsAccess(request.headers.get("authorization"), process.env.METRICS_TOKEN);
  if (access === "disabled") return Response.json({ error: "FORBIDDEN" }, { status: 403 });
  if (access === "unauthorized") {
    return Response.json({ error: "UNAUTHENTICATED" }, { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="metrics"' } });
  }
  const registry = webAppRegistry();
  return new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" } });
}
