/**
 * The lock watchdog's own thread (lock-watchdog.ts says why it has one). It watches
 * every reader of its process (a copy, a long read): each on a production session of its
 * own, opened at once and polled every `pollMs` for production sessions that the reader's
 * sessions block. When production's sessions have waited `graceMs` in all (waits less than
 * FORGET_AFTER_MS apart add up: a migration that retries with a short lock_timeout
 * never waits long at a time), the reader gives way: the thread raises its flag,
 * tells it, and ends its sessions itself (a copy's thread may be busy for
 * seconds). A watch that has not polled for `blindMs` (its session cannot reach
 * production, or production refuses it one) stops the reader too: a copy nobody watches
 * is not one production can win against.
 *
 * Plain JavaScript that needs nothing but `pg`: a thread that loaded the portal's
 * TypeScript (its compiler, zod, the limits) took 62 MB of a worker process's memory;
 * this one takes some 13 MB.
 *
 * Messages in: {type: "watch", id, config, check, graceMs, pollMs, blindMs, pids, flag},
 * {type: "pids", id, pids}, {type: "unwatch", id}. Out: {type: "gave-way", id},
 * {type: "blind", id}, {type: "unwatched", id}, and {type: "ready"} once loaded. The flag:
 * 1 gave way, 2 blind.
 */
import { parentPort } from "node:worker_threads";
import pg from "pg";

/** Sessions waiting for a lock that one of `$1`'s sessions holds, or has asked for ahead of them (a few tell; a server that answers millions is not read). */
const BLOCKED_BY_US = `
  SELECT w.pid FROM (SELECT DISTINCT pid FROM pg_locks WHERE NOT granted AND pid IS NOT NULL) w
  WHERE w.pid <> ALL($1::int[]) AND pg_blocking_pids(w.pid) && $1::int[] LIMIT 100`;

/** How long without a session blocked before the waits so far are forgotten. */
const FORGET_AFTER_MS = 30_000;
const GAVE_WAY = 1;
const BLIND = 2;

/** @type {Map<number, Watch>} */
const watches = new Map();

class Watch {
  /** @param {{ id: number, config: import("pg").ClientConfig, check: { sql: string, expect: Record<string, string> }, graceMs: number, pollMs: number, blindMs: number, pids: number[], flag: SharedArrayBuffer }} m */
  constructor(m) {
    this.id = m.id;
    this.config = m.config;
    this.check = m.check;
    this.graceMs = m.graceMs;
    this.pollMs = m.pollMs;
    this.blindMs = m.blindMs;
    this.pids = m.pids;
    this.flag = new Int32Array(m.flag);
    /** How long production's sessions have waited for the copy, poll by poll, since the last long spell without. */
    this.blockedMs = 0;
    this.lastBlockedAt = 0;
    /** @type {number | null} */
    this.lastPollAt = null;
    /** When a poll last answered (or the watch began). */
    this.lastAnsweredAt = Date.now();
    /** @type {import("pg").Client | null} */
    this.client = null;
    this.stopped = false;
    /** @type {NodeJS.Timeout | undefined} */
    this.timer = undefined;
    /** @type {Promise<void>} */
    this.running = Promise.resolve();
    // The first poll at once: the copy's reads begin now.
    this.schedule(0);
  }

  /** @param {number} delayMs */
  schedule(delayMs = this.pollMs) {
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch(async () => {
          // A failed poll (production briefly unreachable) fails no copy; the next one reconnects.
          await this.client?.end().catch(() => undefined);
          this.client = null;
          if (Date.now() - this.lastAnsweredAt >= this.blindMs) this.stopCopy(BLIND, "blind");
        })
        .finally(() => {
          if (!this.stopped && Atomics.load(this.flag, 0) === 0) this.schedule();
        });
    }, delayMs);
  }

  /** The flag first (the copy's thread reads it when its sessions fail, whichever it learns of first), then the message. @param {number} why @param {string} type */
  stopCopy(why, type) {
    Atomics.store(this.flag, 0, why);
    parentPort?.postMessage({ type, id: this.id });
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
    if (!this.client) {
      const client = await this.connect();
      // Stopped while it connected (production slow to answer, past the second stop() waits for the
      // poll): stop() found no client to end, and nothing else would, for the life of the process.
      if (this.stopped) return void (await endSession(client));
      this.client = client;
    }
    const ours = this.pids;
    const { rows } = await this.client.query(BLOCKED_BY_US, [ours]);
    const now = Date.now();
    this.lastAnsweredAt = now;
    // A wait first seen now began at most a poll ago: each poll that sees one counts the time since the last.
    const sinceLastPoll = this.lastPollAt === null ? this.pollMs : Math.min(now - this.lastPollAt, 2 * this.pollMs);
    this.lastPollAt = now;
    if (rows.length > 0) {
      this.blockedMs += sinceLastPoll;
      this.lastBlockedAt = now;
    } else if (now - this.lastBlockedAt >= FORGET_AFTER_MS) this.blockedMs = 0;
    if (rows.length > 0 && this.blockedMs >= this.graceMs) {
      this.stopCopy(GAVE_WAY, "gave-way");
      // Ending the copy's sessions releases its locks at once; the copy stops itself anyway when told.
      await this.client.query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", [ours]).catch(() => undefined);
    }
  }

  /** Within a second or two: a production that stopped answering answers no poll, nor the goodbye. */
  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    await within(this.running, 1_000);
    const client = this.client;
    this.client = null;
    if (client) await endSession(client);
  }
}

/** Ends a session, and cuts it if production has not let it go within a second. @param {import("pg").Client} client */
async function endSession(client) {
  await within(client.end().catch(() => undefined), 1_000);
  client.connection?.stream?.destroy();
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

// Loaded, pg and all: the process starts this thread again if it dies from now on (lock-watchdog.ts).
parentPort?.postMessage({ type: "ready" });
