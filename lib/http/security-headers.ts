/**
 * The security headers of every response (pages, route handlers, the auth
 * routes, 404s), set by proxy.ts. The Content-Security-Policy allows only
 * scripts carrying this request's nonce (Next.js puts it on its own scripts)
 * and what they load ('strict-dynamic'): no inline script an attacker could inject.
 */
function contentSecurityPolicy(nonce: string, options: { development: boolean }): string {
  return [
    "default-src 'self'",
    // React's development build needs eval for its error overlays; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    // The development server's own tools (its error overlay, its indicator) add <style> elements that carry
    // no nonce; a nonce in the list would make browsers ignore 'unsafe-inline'. Production's styles all do.
    options.development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    // style="" attributes (a progress bar's width) cannot carry a nonce; they cannot run code either.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** A fresh, unguessable nonce per request. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

export function securityHeaders(options: { nonce: string; https: boolean; development: boolean }): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options.nonce, options),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    // Only over HTTPS: a browser ignores it over plain HTTP, and it would lock a local http:// setup out.
    ...(options.https ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}
