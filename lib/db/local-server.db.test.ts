/**
 * Every process started on the embedded server's folder puts its sandbox role and the
 * portal database's CONNECT back as they must be: the portal, its worker and ops commands
 * start together, and two at once failed with "tuple concurrently updated".
 */
import { rm } from "node:fs/promises";
import { createServer } from "node:net";
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

describe("the embedded server's port", () => {
  it("is the one EMBEDDED_PG_PORT chooses, kept for the starts after; a port in use is said in words, and not kept", async () => {
    const folder = await makeTempDir("local-server-port-");
    const busy = await freePort();
    // Something else answers on the port first chosen: every connection dropped at once.
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(busy, "127.0.0.1", resolve));
    try {
      await expect(startLocalServer({ dataDir: folder, port: busy })).rejects.toThrow(`did not start on port ${busy}`);
      await expect(startLocalServer({ dataDir: folder, port: busy })).rejects.toThrow("Set EMBEDDED_PG_PORT to a free one");
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    try {
      const chosen = await freePort();
      const moved = await startLocalServer({ dataDir: folder, port: chosen });
      expect(new URL(moved.adminUrl).port).toBe(String(chosen));
      await moved.stop();
      // No port chosen: where this folder's server listened last.
      const again = await startLocalServer({ dataDir: folder });
      expect(new URL(again.adminUrl).port).toBe(String(chosen));
      await again.stop();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 120_000);
});
