/**
 * The Location (RFC 9110 §10.2.2) of a 201 or 202 answer, read from its own body: a new sandbox's
 * own address (`links.self`), or where to follow the run started (its progress, by its id). Read from
 * the body, so that an answer given again for a repeated Idempotency-Key, which keeps only the
 * body, says the same.
 */
export function locationOf(status: number, body: unknown): string | undefined {
  const answer = (body ?? {}) as { runId?: unknown; links?: { self?: unknown; progress?: unknown } };
  if (status === 201 && typeof answer.links?.self === "string") return answer.links.self;
  if (status === 202 && typeof answer.links?.progress === "string" && typeof answer.runId === "string") return `${answer.links.progress}?run=${encodeURIComponent(answer.runId)}`;
  return undefined;
}
