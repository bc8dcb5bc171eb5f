/**
 * Revoked and expired tokens are kept a while (the API tokens page lists them, and says they
 * no longer work), then removed by the workers' fleet check; their audit history stays.
 */
import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { pruneEndedTokens, ENDED_TOKEN_DAYS, TOKEN_PRUNE_BATCH } = await import("./retention");

const daysAgo = (d: number, now: Date) => new Date(now.getTime() - d * 86_400_000);

describe("ended API tokens", () => {
  it("go once revoked or expired longer than the retention; working and lately ended ones stay; the audit stays", async () => {
    const now = new Date();
    const owner = await db.user.create({ data: { email: "pipeline@ret.example", name: "Pipeline owner", role: "OPERATOR", passwordHash: "-" } });
    let n = 0;
    const token = async (data: { expiresAt: Date; revokedAt?: Date; createdAt?: Date }) => {
      const row = await db.apiToken.create({
        data: { name: `t${++n}`, prefix: `sbp_${n}`, tokenHash: `hash-${n}-${Math.random()}`, scopes: ["sandboxes:read"], ownerId: owner.id, createdAt: daysAgo(400, now), ...data },
      });
      await db.auditEvent.create({ data: { action: "apiToken.created", actorId: owner.id, targetId: row.id, details: { name: row.name } } });
      return row.id;
    };
    const working = await token({ expiresAt: daysAgo(-30, now) });
    const revokedLately = await token({ expiresAt: daysAgo(-30, now), revokedAt: daysAgo(ENDED_TOKEN_DAYS - 1, now) });
    const expiredLately = await token({ expiresAt: daysAgo(ENDED_TOKEN_DAYS - 1, now) });
    const revokedLongAgo = await token({ expiresAt: daysAgo(-30, now), revokedAt: daysAgo(ENDED_TOKEN_DAYS + 1, now) });
    const expiredLongAgo = await token({ expiresAt: daysAgo(ENDED_TOKEN_DAYS + 1, now) });
    // Revoked lately, though expired long ago: it ended long ago.
    const bothLongAgo = await token({ expiresAt: daysAgo(ENDED_TOKEN_DAYS + 5, now), revokedAt: daysAgo(ENDED_TOKEN_DAYS + 2, now) });
    await db.apiIdempotencyKey.create({ data: { tokenId: revokedLongAgo, key: "k1", fingerprint: "f" } });

    expect(await pruneEndedTokens(now)).toBe(3);
    const left = (await db.apiToken.findMany({ select: { id: true } })).map((t) => t.id).sort();
    expect(left).toEqual([working, revokedLately, expiredLately].sort());
    expect(await db.auditEvent.count({ where: { targetId: { in: [revokedLongAgo, expiredLongAgo, bothLongAgo] } } })).toBe(3);
    expect(await db.apiIdempotencyKey.count({ where: { tokenId: revokedLongAgo } })).toBe(0);
    expect(await pruneEndedTokens(now)).toBe(0);
  });

  it("removes a bounded number in one sweep; the rest go in the next", async () => {
    const now = new Date();
    const owner = await db.user.create({ data: { email: "many@ret.example", name: "Many tokens", role: "OPERATOR", passwordHash: "-" } });
    const many = TOKEN_PRUNE_BATCH.batch * TOKEN_PRUNE_BATCH.batches + 7;
    await db.apiToken.createMany({
      data: Array.from({ length: many }, (_, i) => ({
        name: `old ${i}`, prefix: `sbp_o${i}`, tokenHash: `old-${i}-${Math.random()}`, scopes: [], ownerId: owner.id,
        createdAt: daysAgo(800, now), expiresAt: daysAgo(ENDED_TOKEN_DAYS + 10, now),
      })),
    });
    expect(await pruneEndedTokens(now)).toBe(TOKEN_PRUNE_BATCH.batch * TOKEN_PRUNE_BATCH.batches);
    expect(await pruneEndedTokens(now)).toBe(7);
  });
});
