/**
 * Who is calling the public API: the bearer token, checked, throttled and
 * stamped as used in one statement, then its owner as the database says the
 * owner is now. A token stops working when it is revoked or expired, when its
 * owner may no longer hold tokens, or when the owner moved to another tenant.
 * Throttling is per token, in a fixed one-minute window kept in the portal
 * database, so every app instance counts the same requests.
 */
import { loadActor } from "../auth/load-actor";
import { hasPermission, isStaff, type Actor } from "../auth/policy";
import { env } from "../config/env";
import { db } from "../db/portal";
import { databaseNow } from "../db/database-clock";
import { ApiProblem, problem } from "../api/problem";
import { isApiScope, SCOPE_PERMISSION, type ApiScope } from "./scopes";
import { bearerToken, hashToken } from "./secret";

export interface ApiCaller {
  actor: Actor;
  token: { id: string; name: string; scopes: ApiScope[] };
}

const WINDOW_MS = 60_000;

/**
 * Tokens this process found over their limit, with the start of that window. A request on
 * one within its window is refused here, without a statement: the window's count in the
 * database can only have grown (every instance adds to it), and a flood of refused requests
 * took the portal database's connections (ten a process) from every tenant's pages. Only
 * tokens the database knew are kept, and a window's end frees them.
 */
const overLimit = new Map<string, Date>();

function rateLimited(windowStart: Date, now: Date): ApiProblem {
  const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + WINDOW_MS - now.getTime()) / 1000));
  return new ApiProblem(problem("rate_limited", { detail: `Try again in ${retryAfter} s.`, headers: { "Retry-After": String(retryAfter) } }));
}

interface TokenUse {
  id: string;
  name: string;
  scopes: string[];
  ownerId: string;
  tenantId: string | null;
  windowCount: number;
  windowStart: Date;
  createdAt: Date;
}

/**
 * The caller, or throws an ApiProblem (401 or 429). The window is timed by the database's clock
 * (database-clock.ts), the one every app instance shares: by its own, an instance whose machine
 * ran ahead opened windows in the future, which every other instance then counted in, and
 * refused, until its clock caught up with them.
 */
/**
 * 401. A token sent that does not work (malformed, unknown, revoked, expired, its owner changed) says so
 * as RFC 6750 does, `error="invalid_token"`, so a client tells it from a request that sent none.
 */
function unauthenticated(tokenSent: boolean): ApiProblem {
  return new ApiProblem(problem("unauthenticated", tokenSent ? { headers: { "WWW-Authenticate": 'Bearer realm="api", error="invalid_token"' } } : {}));
}

export async function authenticateApiRequest(request: Request, at?: Date): Promise<ApiCaller> {
  const authorization = request.headers.get("authorization");
  const token = bearerToken(authorization);
  if (!token) throw unauthenticated(authorization !== null && authorization.trim() !== "");
  const now = at ?? (await databaseNow());
  const windowOpen = new Date(now.getTime() - WINDOW_MS);
  const tokenHash = hashToken(token);
  const limitedSince = overLimit.get(tokenHash);
  if (limitedSince && limitedSince > windowOpen) throw rateLimited(limitedSince, now);
  const [use] = await db.$queryRaw<TokenUse[]>`
    UPDATE "ApiToken" SET
      "lastUsedAt" = ${now},
      "windowCount" = CASE WHEN "windowStart" IS NULL OR "windowStart" <= ${windowOpen} THEN 1 ELSE "windowCount" + 1 END,
      "windowStart" = CASE WHEN "windowStart" IS NULL OR "windowStart" <= ${windowOpen} THEN ${now} ELSE "windowStart" END
    WHERE "tokenHash" = ${tokenHash} AND "revokedAt" IS NULL AND "expiresAt" > ${now}
    RETURNING id, name, scopes, "ownerId", "tenantId", "windowCount", "windowStart", "createdAt"`;
  if (!use) throw unauthenticated(true);
  if (use.windowCount > env().API_RATE_LIMIT_PER_MINUTE) {
    for (const [hash, since] of overLimit) if (since <= windowOpen) overLimit.delete(hash);
    overLimit.set(tokenHash, use.windowStart);
    throw rateLimited(use.windowStart, now);
  }
  // Tokens are made in a session that passed the second factor (staff must): the token stands for it,
  // and ends as that session would when the owner's password is reset (one minted from a stolen session too).
  const actor = await loadActor(use.ownerId, Math.floor(use.createdAt.getTime() / 1000), true);
  const sameReach = actor && (isStaff(actor) ? use.tenantId === null : actor.tenantId !== null && actor.tenantId === use.tenantId);
  if (!actor || !hasPermission(actor, "apiTokens.manage") || !sameReach) throw unauthenticated(true);
  return { actor, token: { id: use.id, name: use.name, scopes: use.scopes.filter(isApiScope) } };
}

/** Throws 403 unless the token has `scope` and its owner's role allows what the scope stands for. */
export function requireScope(caller: ApiCaller, scope: ApiScope): void {
  if (!caller.token.scopes.includes(scope) || !hasPermission(caller.actor, SCOPE_PERMISSION[scope])) {
    throw new ApiProblem(problem("forbidden", { detail: `This needs a token with the ${scope} scope.` }));
  }
}
