/**
 * The lock watchdog's own thread (lock-watchdog.ts says why it has one). It watches
 * every copy of its process: each on a production session of its own, polled every
 * `pollMs` for production sessions that the copy's sessions block. When one has waited
 * `graceMs`, the copy gives way: the thread raises the copy's flag, ends the copy's
 * sessions itself (the copy's thread may be busy for seconds) and then tells it.
 *
 * Plain JavaScript that needs nothing but `pg`: a thread that loaded the portal's
 * TypeScript (its compiler, zod, the limits) took 62 MB of a worker process's memory;
 * this one takes some 13 MB.
 *
 * Messages in: {type: "watch", id, config, check, graceMs, pollMs, pids, flag},
 * {type: "pids", id, pids}, {type: "unwatch", id}. Out: {type: "gave-way", id},
 * {type: "unwatched", id}.
 */
import { parentPort } from "node:worker_threads";
import pg from "pg";

/** Sessions waiting for a lock that one of `$1`'s sessions holds, or has asked for ahead of them. */
const BLOCKED_BY_US = `
  SELECT w.pid FROM (SELECT DISTINCT pid FROM pg_locks WHERE NOT granted AND pid IS NOT NULL) w
  WHERE w.pid <> ALL($1::int[]) AND pg_blocking_pids(w.pid) && $1::int[]`;

/** @type {Map<number, Watch>} */
const watches = new Map();

class Watch {
  /** @param {{ id: number, config: import("pg").ClientConfig, check: { sql: string, expect: Record<string, string> }, graceMs: number, pollMs: number, pids: number[], flag: SharedArrayBuffer }} m */
  constructor(m) {
    this.id = m.id;
    this.config = m.config;
    this.check = m.check;
    this.graceMs = m.graceMs;
    this.pollMs = m.pollMs;
    this.pids = m.pids;
    this.flag = new Int32Array(m.flag);
    /** @type {Map<number, number>} blocked production pid → when first seen */
    this.firstSeen = new Map();
    /** @type {import("pg").Client | null} */
    this.client = null;
    this.stopped = false;
    /** @type {NodeJS.Timeout | undefined} */
    this.timer = undefined;
    /** @type {Promise<void>} */
    this.running = Promise.resolve();
    this.schedule();
  }

  schedule() {
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch(async () => {
          // A failed poll (production briefly unreachable) must not fail the copy; the next one reconnects.
          await this.client?.end().catch(() => undefined);
          this.client = null;
        })
        .finally(() => {
          if (!this.stopped && Atomics.load(this.flag, 0) === 0) this.schedule();
        });
    }, this.pollMs);
  }

  /** A production session as the copy's are: read-only, checked (lib/crm/read-only.ts). */
  async connect() {
    const client = new pg.Client(this.config);
    client.on("error", () => undefined); // a dropped connection fails the next poll, which reconnects
    await client.connect();
    try {
      const { rows } = await client.query(this.check.sql);
      const row = rows[0] ?? {};
      for (const [key, value] of Object.entries(this.check.expect)) {
        if (String(row[key]).replace(/\s/g, "") !== value) throw new Error("the watchdog's production session is not read-only");
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  async tick() {
    this.client ??= await this.connect();
    const ours = this.pids;
    const { rows } = await this.client.query(BLOCKED_BY_US, [ours]);
    const now = Date.now();
    const blocked = new Set(rows.map((r) => r.pid));
    for (const pid of this.firstSeen.keys()) if (!blocked.has(pid)) this.firstSeen.delete(pid);
    for (const pid of blocked) if (!this.firstSeen.has(pid)) this.firstSeen.set(pid, now);
    if ([...this.firstSeen.values()].some((since) => now - since >= this.graceMs)) {
      // The flag first: the copy's thread reads it when its sessions fail, whichever it learns of first.
      Atomics.store(this.flag, 0, 1);
      await this.client.query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", [ours]);
      parentPort?.postMessage({ type: "gave-way", id: this.id });
    }
  }

  /** Within a second or two: a production that stopped answering answers no poll, nor the goodbye. */
  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    await within(this.running, 1_000);
    const client = this.client;
    if (!client) return;
    await within(client.end().catch(() => undefined), 1_000);
    client.connection?.stream?.destroy();
  }
}

/** @param {Promise<unknown>} promise @param {number} ms */
function within(promise, ms) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  return Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}

parentPort?.on("message", (/** @type {any} */ m) => {
  if (m.type === "watch") watches.set(m.id, new Watch(m));
  else if (m.type === "pids") {
    const watch = watches.get(m.id);
    if (watch) watch.pids = m.pids;
  } else if (m.type === "unwatch") {
    const watch = watches.get(m.id);
    watches.delete(m.id);
    void (watch ? watch.stop() : Promise.resolve()).finally(() => parentPort?.postMessage({ type: "unwatched", id: m.id }));
  }
});
