/**
 * A browser that has signed in to an account before (OWASP's "device cookie"). The sign-in
 * throttle locks a client address that sprays many accounts, and an account for an address
 * that fails on it (throttle.ts); both are a colleague's address too (an office's NAT, a VPN,
 * a carrier's shared address), so whoever shares it could keep everyone behind it out with a
 * few requests an hour. A browser holding this cookie for the account it signs in to is
 * counted on its own key instead: neither lock applies to it, and its own wrong passwords
 * lock only it (then it is counted as any other client again).
 *
 * The cookie is the account's, signed with the portal's secret, so it proves only that this
 * browser once knew the account's password: it is sent to the sign-in routes alone, never
 * read by scripts, and a cookie of another account, or a forged one, is no cookie.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { env } from "../config/env";
import type { ThrottleKey } from "./throttle";

/** Sent with sign-in's requests only: next-auth's routes. */
const COOKIE_PATH = "/api/auth";
const MAX_AGE_DAYS = 90;

/** The cookie's name; __Secure- where the portal is served over https, so no plain-http page can set it. */
export function deviceCookieName(secure: boolean): string {
  return secure ? "__Secure-portal-device" : "portal-device";
}

function signature(email: string, nonce: string): string {
  // Its own purpose in the MAC, so that no other value the secret signs can pass for it.
  return createHmac("sha256", env().NEXTAUTH_SECRET).update(`known-device\0${email.trim().toLowerCase()}\0${nonce}`).digest("base64url");
}

/** A new cookie's value for a browser that has just signed in to `email`. */
export function newDeviceValue(email: string): string {
  const nonce = randomBytes(16).toString("base64url");
  return `${nonce}.${signature(email, nonce)}`;
}

/** The Set-Cookie header that keeps `value` in the browser. */
export function deviceCookieHeader(value: string, secure: boolean): string {
  return `${deviceCookieName(secure)}=${value}; Path=${COOKIE_PATH}; Max-Age=${MAX_AGE_DAYS * 86_400}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** The device cookie's value among a request's cookies, if any. */
export function deviceValueFrom(cookieHeader: string | undefined, secure: boolean): string | undefined {
  const name = `${deviceCookieName(secure)}=`;
  return cookieHeader
    ?.split(";")
    .map((c) => c.trim())
    .find((c) => c.startsWith(name))
    ?.slice(name.length);
}

/** The throttle key of a browser that signed in to `email` before; null when the value is none of that account's. */
export function knownDeviceKey(email: string, value: string | undefined): ThrottleKey | null {
  const match = value === undefined ? null : /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return null;
  const [, nonce, given] = match as unknown as [string, string, string];
  const expected = Buffer.from(signature(email, nonce));
  if (!timingSafeEqual(expected, Buffer.from(given))) return null;
  return { key: `device:${nonce}`, maxFailures: env().LOGIN_MAX_FAILURES };
}
