/**
 * Runs before every request: gives each one a fresh CSP nonce and the
 * security headers (lib/http/security-headers.ts), and tells the pages which
 * path was asked for, so that sign-in can return there.
 */
import { NextResponse, type NextRequest } from "next/server";
import { problem } from "@/lib/api/problem";
import { REQUESTED_PATH_HEADER } from "@/lib/http/requested-path";
import { routeRefusal } from "@/lib/http/route-refusal";
import { newNonce, securityHeaders } from "@/lib/http/security-headers";

/**
 * A NUL (%00) in the path. Next.js decodes a path's ids before a page or route reads them, and
 * PostgreSQL compares no text holding a NUL: `/api/sandboxes/x%00/progress`, a run's report or
 * `/orders/x%00` failed their query as a 500. No path of the portal's holds one, so it is no
 * page or object of anyone's: 404 here, before anything reads it (the public API's own check,
 * lib/api/route.ts, refuses more).
 */
const HOLDS_NUL = /%00/i;

/** NEXTAUTH_URL, the address people reach the portal by, is https (set to nothing, it is unset). */
const servedOverHttps = () => /^https:\/\//i.test(process.env.NEXTAUTH_URL?.trim() ?? "");

export function proxy(request: NextRequest): NextResponse {
  const nonce = newNonce();
  const headers = securityHeaders({
    nonce,
    // x-forwarded-proto is Next's own (from the socket) unless a trusted proxy set it (scripts/portal-server.ts).
    // An https NEXTAUTH_URL is the operator's word that browsers reach the portal over HTTPS, trusted
    // proxy or not (a browser ignores the header on a plain-HTTP answer).
    https: request.headers.get("x-forwarded-proto") === "https" || request.nextUrl.protocol === "https:" || servedOverHttps(),
    development: process.env.NODE_ENV === "development",
  });
  if (HOLDS_NUL.test(request.nextUrl.pathname)) {
    // The public API's answers are problem details; the portal's own routes answer as their 404s do.
    const body = request.nextUrl.pathname.startsWith("/api/v1/") ? problem("not_found") : routeRefusal("NOT_FOUND");
    const notFound = new NextResponse(body.body, { status: 404, headers: body.headers });
    for (const [name, value] of Object.entries(headers)) notFound.headers.set(name, value);
    return notFound;
  }
  const forwarded = new Headers(request.headers);
  // Next.js reads the nonce from the request's CSP header and puts it on its scripts.
  forwarded.set("Content-Security-Policy", headers["Content-Security-Policy"]!);
  // Set here, never taken from the client.
  forwarded.set(REQUESTED_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Everything but build assets, which are static files with no HTML to protect.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
