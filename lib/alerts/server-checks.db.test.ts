import { createServer, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { makeTempDir } from "../testing/temp-dir";

usePortalDatabase();

const { db } = await import("../db/portal");
const { checkSandboxServers, SERVERS_ASKED_AT_ONCE } = await import("./fleet-checks");
const { sealSecret } = await import("../secrets/secret-box");

// A server that takes the connection and never says a word: each ask waits its whole timeout.
const sockets = new Set<Socket>();
const askedAt: number[] = [];
const silent = createServer((socket) => {
  sockets.add(socket);
  askedAt.push(Date.now());
  socket.on("close", () => sockets.delete(socket));
  socket.on("error", () => undefined);
});
await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
const port = (silent.address() as { port: number }).port;

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

describe("the sandbox servers' check", () => {
  it(`asks ${SERVERS_ASKED_AT_ONCE} servers at a time, so a pass over many that do not answer ends in (servers / ${SERVERS_ASKED_AT_ONCE}) timeouts`, async () => {
    process.env.OUTBOX_DIR = await makeTempDir("server-checks-outbox-");
    const dead = 20;
    for (let i = 0; i < dead; i++) {
      await db.sandboxServer.create({ data: { name: `silent-${i}`, urlEncrypted: sealSecret(`postgres://maker:pw@127.0.0.1:${port}/postgres?sslmode=disable`) } });
    }
    const timeoutMs = 500;
    const started = Date.now();
    await checkSandboxServers(timeoutMs);
    const took = Date.now() - started;

    expect(await db.alert.count({ where: { key: { startsWith: "server-unreachable:silent-" } } })).toBe(dead);
    // The first eight asked together; the next only once one of them has timed out.
    expect(askedAt.filter((at) => at < started + timeoutMs * 0.8)).toHaveLength(SERVERS_ASKED_AT_ONCE);
    // One after another it took dead × timeoutMs (10 s); three rounds of eight, and the database's work.
    expect(took).toBeLessThan((dead * timeoutMs) / 2);
  });
});
