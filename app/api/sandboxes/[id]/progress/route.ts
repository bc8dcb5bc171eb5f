/** The live state the sandbox page polls: session and tenant checked on every request. */
import { NextResponse } from "next/server";
import { getActor } from "@/lib/auth/actor";
import { hasPermission } from "@/lib/auth/policy";
import { routeRefusal } from "@/lib/http/route-refusal";
import { timed } from "@/lib/observability/metrics";
import { getProgressSnapshot } from "@/lib/sandboxes/queries";

export const dynamic = "force-dynamic";

export function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  return timed("GET /api/sandboxes/[id]/progress", () => progress(context.params), (r) => String(r.status));
}

async function progress(params: Promise<{ id: string }>) {
  const actor = await getActor();
  if (!actor) return routeRefusal("UNAUTHENTICATED");
  if (!hasPermission(actor, "sandbox.view")) return routeRefusal("FORBIDDEN");
  const { id } = await params;
  // Another tenant's sandbox is not found, the same as one that does not exist.
  const snapshot = await getProgressSnapshot(actor, id);
  if (!snapshot) return routeRefusal("NOT_FOUND");
  return NextResponse.json(snapshot, { headers: { "Cache-Control": "no-store" } });
}
