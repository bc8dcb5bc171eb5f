/** Readiness for load balancers and orchestrators: 200 when the database and the queue answer, else 503; one answer is given to every caller for a second. */
import { keptReadiness } from "@/lib/observability/readiness";

export const dynamic = "force-dynamic";

export async function GET() {
  const { ready, checks } = await keptReadiness();
  return Response.json({ status: ready ? "ready" : "unavailable", checks }, { status: ready ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
