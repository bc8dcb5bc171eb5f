/**
 * Every process started on the embedded server's folder puts its sandbox role and the
 * portal database's CONNECT back as they must be: the portal, its worker and ops commands
 * start together, and two at once failed with "tuple concurrently updated".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../testing/free-port";
import { makeTempDir } from "../testing/temp-dir";
import { ensureDatabase, startLocalServer, type LocalServer } from "./local-server";
import { closeToPublic } from "./sandbox-role";

let dataDir = "";
let port = 0;
let server: LocalServer;

beforeAll(async () => {
  dataDir = await makeTempDir("local-server-");
  port = await freePort();
  server = await startLocalServer({ dataDir, port, throwaway: true });
  await ensureDatabase(server.adminUrl, "portal_starts");
}, 120_000);
afterAll(() => server?.stop());

describe("processes starting together on one embedded server", () => {
  it("each put the role and the portal database's CONNECT right, none failing on the other's catalog change", async () => {
    const starts = Array.from({ length: 12 }, (_v, i) =>
      i % 2 === 0 ? startLocalServer({ dataDir, port }).then(() => "role") : closeToPublic(server.adminUrl, "portal_starts").then(() => "connect"),
    );
    const outcomes = await Promise.allSettled(starts);
    expect(outcomes.filter((o) => o.status === "rejected").map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
  }, 60_000);
});
