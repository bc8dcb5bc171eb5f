/**
 * Runs before every request: gives each one a fresh CSP nonce and the
 * security headers (lib/http/security-headers.ts), and tells the pages which
 * path was asked for, so that sign-in can return there.
 */
import { NextResponse, type NextRequest } from "next/server";
import { REQUESTED_PATH_HEADER } from "@/lib/http/requested-path";
import { newNonce, securityHeaders } from "@/lib/http/security-headers";

export function proxy(request: NextRequest): NextResponse {
  const nonce = newNonce();
  const headers = securityHeaders({
    nonce,
    // x-forwarded-proto is Next's own (from the socket) unless a trusted proxy set it (scripts/portal-server.ts).
    https: request.headers.get("x-forwarded-proto") === "https" || request.nextUrl.protocol === "https:",
    development: process.env.NODE_ENV === "development",
  });
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
