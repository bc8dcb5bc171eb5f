/**
 * A browser that has signed in to an account before (OWASP's "device cookie"). The sign-in
 * throttle locks a client address that sprays many accounts, and an account for an address
 * that fails on it (throttle.ts); both are a colleague's address too (an office's NAT, a VPN,
 * a carrier's shared address), so whoever shares it could keep everyone behind it out with a
 * few requests an hour. A browser holding this cookie for the account it signs in to is
 * counted on keys of its own instead: neither lock applies to it.
 *
 * What it holds back:
 * - Its own wrong passwords lock only it (then it is counted as any other client again).
 * - All the account's known browsers together get an address's allowance, however many
 *   cookies someone who once knew the password collected: past it they are counted as any
 *   other client.
 * - It is the account's as it is now: signed over the account's id and the moment its
 *   password last changed, so a new password (changed, reset by link or by an operator)
 *   makes every earlier cookie none. It is good for MAX_AGE_DAYS from when it was given,
 *   judged by the portal, not by the browser.
 *
 * Sent to the sign-in routes alone, never read by scripts; a cookie of another account, or
 * a forged or altered one, is no cookie.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { env } from "../config/env";
import { ADDRESS_FAILURE_FACTOR, knownBrowsersKeyOf, type ThrottleKey } from "./throttle";

/** Sent with sign-in's requests only: next-auth's routes. */
const COOKIE_PATH = "/api/auth";
const MAX_AGE_DAYS = 90;
const DAY_MS = 86_400_000;

/** The account as the cookie is bound to it. */
export interface DeviceAccount {
  id: string;
  passwordChangedAt: Date;
}

/** The cookie's name; __Secure- where the portal is served over https, so no plain-http page can set it. */
export function deviceCookieName(secure: boolean): string {
  return secure ? "__Secure-portal-device" : "portal-device";
}

function signature(account: DeviceAccount, issued: string, nonce: string): string {
  // Its own purpose in the MAC, so that no other value the secret signs can pass for it.
  return createHmac("sha256", env().NEXTAUTH_SECRET)
    .update(`known-device\0${account.id}\0${account.passwordChangedAt.getTime()}\0${issued}\0${nonce}`)
    .digest("base64url");
}

/** A new cookie's value for a browser that has just signed in to `account`. */
export function newDeviceValue(account: DeviceAccount, now = new Date()): string {
  const issued = now.getTime().toString(36);
  const nonce = randomBytes(16).toString("base64url");
  return `${issued}.${nonce}.${signature(account, issued, nonce)}`;
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

/**
 * The throttle keys of a browser that signed in to `account` since its password last changed,
 * within MAX_AGE_DAYS: its own, and all the account's known browsers' together. null when the
 * value is none of that.
 */
export function knownDeviceKeys(account: DeviceAccount, value: string | undefined, now = new Date()): ThrottleKey[] | null {
  const match = value === undefined ? null : /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return null;
  const [, issued, nonce, given] = match as unknown as [string, string, string, string];
  const age = now.getTime() - parseInt(issued, 36);
  if (!(age >= -60_000 && age <= MAX_AGE_DAYS * DAY_MS)) return null;
  if (!timingSafeEqual(Buffer.from(signature(account, issued, nonce)), Buffer.from(given))) return null;
  const { LOGIN_MAX_FAILURES } = env();
  return [
    { key: `device:${nonce}`, maxFailures: LOGIN_MAX_FAILURES },
    { key: knownBrowsersKeyOf(account.id), maxFailures: LOGIN_MAX_FAILURES * ADDRESS_FAILURE_FACTOR },
  ];
}
