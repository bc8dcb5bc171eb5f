/**
 * `Idempotency-Key` on requests that start something (a refresh, a deletion), in
 * the shape of the IETF draft and Stripe's API: the first request with a key claims
 * it in the portal database (one INSERT, so concurrent retries cannot both claim it),
 * does the work and keeps its answer; a retry with the same key gets that answer again
 * (`Idempotent-Replayed: true`), one that arrives while the first is still being
 * answered gets 409, and the same key with another request 422, answered or not. Only an answer that did
 * something (2xx) is kept: a refused request (invalid input, a run in progress) and a
 * failure on our side (500) release the key, so the request mended, or simply sent again
 * later, does the work, as Stripe does for requests that never began. Keys live a day, per token;
 * one whose answer was never kept (the process died between the work and keeping it)
 * is free again after a few minutes rather than answering 409 for a day.
 */
import { createHash } from "node:crypto";
import { db } from "../db/portal";
import { databaseNow } from "../db/database-clock";
import type { ApiCaller } from "../api-tokens/authenticate";
import { locationOf } from "./location";
import { problem } from "./problem";

const KEY_LIFETIME_MS = 24 * 3_600_000;
/** Far longer than any request takes: a key still unanswered after this was abandoned. */
export const UNANSWERED_KEY_MS = 5 * 60_000;
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

export async function idempotent(caller: ApiCaller, request: Request, work: () => Promise<Response>): Promise<Response> {
  const key = request.headers.get("idempotency-key");
  if (key === null) return work();
  if (!KEY_SHAPE.test(key)) return problem("invalid_input", { detail: "An Idempotency-Key is 1 to 255 visible ASCII characters." });
  const url = new URL(request.url);
  const fingerprint = createHash("sha256").update(`${request.method} ${url.pathname}${url.search}\n${await request.clone().text()}`).digest("hex");
  const tokenId = caller.token.id;
  // By the database's clock (database-clock.ts), as every app instance reads it: by this instance's
  // own, one running 10 minutes behind dated its claim so far back that a retry on another took the
  // key, still being answered, for abandoned and did the work a second time.
  const now = await databaseNow();
  // Claims a new key, one older than a day, or one abandoned unanswered; otherwise leaves the row as it is.
  const claimed = await db.$executeRaw`
    INSERT INTO "ApiIdempotencyKey" ("tokenId", "key", "fingerprint", "createdAt") VALUES (${tokenId}, ${key}, ${fingerprint}, ${now})
    ON CONFLICT ("tokenId", "key") DO UPDATE SET "fingerprint" = EXCLUDED."fingerprint", "status" = NULL, "contentType" = NULL, "body" = NULL, "createdAt" = EXCLUDED."createdAt"
    WHERE "ApiIdempotencyKey"."createdAt" < ${new Date(now.getTime() - KEY_LIFETIME_MS)}
       OR ("ApiIdempotencyKey"."status" IS NULL AND "ApiIdempotencyKey"."createdAt" < ${new Date(now.getTime() - UNANSWERED_KEY_MS)})`;
  if (claimed === 0) return earlierAnswer(tokenId, key, fingerprint);

  let answer: Response;
  try {
    answer = await work();
  } catch (error) {
    await release(tokenId, key);
    throw error;
  }
  if (!answer.ok) {
    await release(tokenId, key);
    return answer;
  }
  await db.apiIdempotencyKey.update({
    where: { tokenId_key: { tokenId, key } },
    data: { status: answer.status, contentType: answer.headers.get("content-type"), body: await answer.clone().text() },
  });
  return answer;
}

async function earlierAnswer(tokenId: string, key: string, fingerprint: string): Promise<Response> {
  const earlier = await db.apiIdempotencyKey.findUnique({ where: { tokenId_key: { tokenId, key } } });
  // Another request with the key is refused as such whether the first is answered or not: waiting
  // would not mend it (the IETF draft and Stripe answer 422 for it, 409 only for the same request).
  if (earlier && earlier.fingerprint !== fingerprint) return problem("invalid_input", { detail: "This Idempotency-Key was used for another request." });
  // Released between our INSERT and this read: the caller may simply try again.
  if (!earlier || earlier.status === null) return problem("conflict", { detail: "A request with this Idempotency-Key is still being answered; try again shortly." });
  // The first answer's Location, which its body says (location.ts): only the body is kept.
  const location = locationOf(earlier.status, parsedOrNull(earlier.body));
  return new Response(earlier.body, {
    status: earlier.status,
    headers: { "Content-Type": earlier.contentType ?? "application/json", "Cache-Control": "no-store", "Idempotent-Replayed": "true", ...(location ? { Location: location } : {}) },
  });
}

function parsedOrNull(body: string | null): unknown {
  try {
    return body === null ? null : (JSON.parse(body) as unknown);
  } catch {
    return null;
  }
}

async function release(tokenId: string, key: string): Promise<void> {
  await db.apiIdempotencyKey.deleteMany({ where: { tokenId, key } });
}

/** Drops keys past their day: nothing else removes them (a token makes up to 170,000 a day at its rate limit). */
export async function pruneIdempotencyKeys(at?: Date): Promise<number> {
  const now = at ?? (await databaseNow());
  const { count } = await db.apiIdempotencyKey.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - KEY_LIFETIME_MS) } } });
  return count;
}
