/**
 * Signing in the Standard Webhooks style (standardwebhooks.com), so receivers can
 * use its libraries: the secret is `whsec_` and base64 key bytes; the signature is
 * `v1,` and base64 HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`.
 */
import { createHmac, randomBytes } from "node:crypto";

const SECRET_PREFIX = "whsec_";

export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

export function signatureHeader(secret: string, messageId: string, timestamp: number, body: string): string {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error("not a webhook signing secret");
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), "base64");
  return `v1,${createHmac("sha256", key).update(`${messageId}.${timestamp}.${body}`).digest("base64")}`;
}

/** The headers of one attempt: the timestamp is the attempt's own, so a replayed old body is still fresh. */
export function signedHeaders(secret: string, messageId: string, body: string, now = new Date()): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    "content-type": "application/json",
    "webhook-id": messageId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signatureHeader(secret, messageId, timestamp, body),
  };
}
