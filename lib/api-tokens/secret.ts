/**
 * A token is `sbp_` and 32 random bytes (base64url): too long to guess, so a
 * plain SHA-256 is the right hash to keep (a slow password hash would only slow
 * every API request down). It is looked up by that hash; the token itself is
 * shown once and stored nowhere.
 */
import { createHash, randomBytes } from "node:crypto";

const TOKEN_PREFIX = "sbp_";
const TOKEN_SHAPE = /^sbp_[A-Za-z0-9_-]{43}$/;

export function newTokenSecret(): { token: string; hash: string; prefix: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, hash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) };
}

export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

/** The token in an `Authorization: Bearer …` header, or null when there is none of the right shape. */
export function bearerToken(header: string | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match && TOKEN_SHAPE.test(match[1]!) ? match[1]! : null;
}
