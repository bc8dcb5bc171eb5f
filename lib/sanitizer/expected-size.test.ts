import { describe, expect, it } from "vitest";
import type pg from "pg";
import { isTransient } from "../jobs/failure";
import { SanitizationError } from "./errors";
import { chosenCompanyShare, expectedCopyBytes, reserveRoom } from "./expected-size";

const MB = 1024 * 1024;
const scope = { ctes: "", where: "true", members: "true" };
const plans = [
  // A configuration table, copied whole.
  { select: "SELECT …", scope: null, estimatedBytes: 2 * MB, estimatedIndexBytes: 1 * MB },
  // A customer-record table, scoped to the partial copy's share.
  { select: "SELECT …", scope, estimatedBytes: 600 * MB, estimatedIndexBytes: 200 * MB },
  // Documents' contents, left out by rule 9.
  { select: null, scope: null, estimatedBytes: 5000 * MB, estimatedIndexBytes: 10 * MB },
];

// Production: 8 MB of catalogs beside the tables above.
const source = { databaseBytes: (8 + 3 + 800 + 5010) * MB, tables: plans.map((p) => ({ bytes: p.estimatedBytes, indexBytes: p.estimatedIndexBytes })) };

/** Production's catalogs, the rows with a tenth more for what the rules' rewrites grow, and the two tables' maps. */
const withCatalogs = (rows: number) => Math.ceil(8 * MB + rows * 1.1 + 2 * 32 * 1024);

describe("expectedCopyBytes", () => {
  it("counts production's catalogs, the rows and indexes of every table a full copy writes, and nothing of a table it leaves out", () => {
    expect(expectedCopyBytes(source, plans, 1)).toBe(withCatalogs(803 * MB));
  });

  it("counts a partial copy's share of its scoped tables and its configuration whole", () => {
    expect(expectedCopyBytes(source, plans, 0.1)).toBe(withCatalogs(83 * MB));
    expect(expectedCopyBytes(source, plans, 0)).toBe(withCatalogs(3 * MB));
  });
});

describe("chosenCompanyShare", () => {
  // Only companies named or changed since a date are counted on production.
  const unread = { query: () => Promise.reject(new Error("production was read")) } as unknown as pg.ClientBase;

  it("is the whole of production for a full or configuration-only copy, and the percentage chosen for a partial one", async () => {
    expect(await chosenCompanyShare(unread, { kind: "full" })).toBe(1);
    expect(await chosenCompanyShare(unread, { kind: "config" })).toBe(1);
    expect(await chosenCompanyShare(unread, { kind: "partial", share: { by: "percent", percent: 25 } })).toBe(0.25);
    expect(await chosenCompanyShare(unread, { kind: "partial" })).toBe(0.1);
  });
});

describe("reserveRoom", () => {
  it("stops the copy for now when its ask gets no answer (the portal's database away): an attempt for later, the cause kept for operators", async () => {
    const driver = Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432"), { code: "ECONNREFUSED" });
    const error = await reserveRoom(() => Promise.reject(driver), 3 * MB).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SanitizationError);
    expect((error as SanitizationError).code).toBe("NO_ROOM");
    expect(isTransient(error)).toBe(true);
    expect((error as SanitizationError).message).toBe("The copy's room on the sandbox server (about 3.0 MB) could not be reserved just now. Nothing was kept.");
    expect((error as SanitizationError).cause).toBe(driver);
  });

  it("stops the copy for now, or for good, when its room is refused", async () => {
    await expect(reserveRoom(async () => "no room now", MB)).rejects.toMatchObject({ code: "NO_ROOM" });
    await expect(reserveRoom(async () => "never fits", MB)).rejects.toMatchObject({ code: "TOO_LARGE" });
    await expect(reserveRoom(async () => "reserved", MB)).resolves.toBeUndefined();
    await expect(reserveRoom(undefined, MB)).resolves.toBeUndefined();
  });
});
