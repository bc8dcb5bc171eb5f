/** Prometheus metrics, behind METRICS_TOKEN (see lib/observability/metrics-access.ts). */
import { webAppRegistry } from "@/lib/observability/metrics";
import { metricsAccess } from "@/lib/observability/metrics-access";
import { routeRefusal } from "@/lib/http/route-refusal";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const access = metricsAccess(request.headers.get("authorization"), process.env.METRICS_TOKEN);
  if (access === "disabled") return routeRefusal("FORBIDDEN");
  if (access === "unauthorized") {
    return routeRefusal("UNAUTHENTICATED", { headers: { "WWW-Authenticate": 'Bearer realm="metrics"' } });
  }
  const registry = webAppRegistry();
  return new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" } });
}
