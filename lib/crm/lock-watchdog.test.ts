/**
 * A watchdog thread that cannot even load (a broken build, a missing file) watches
 * nothing: its readers stop at once, blind, rather than read on unwatched while a
 * thread is started again and again.
 */
import { describe, expect, it, vi } from "vitest";

const started = vi.hoisted(() => ({ count: 0 }));

vi.mock("node:worker_threads", async () => {
  const { EventEmitter: Emitter } = await import("node:events");
  /** A thread whose file fails to load: an error, then its exit, and never "ready". */
  class UnloadableThread extends Emitter {
    constructor() {
      super();
      started.count++;
      setTimeout(() => {
        this.emit("error", new Error("Cannot find module 'lock-watchdog-thread.mjs'"));
        this.emit("exit", 1);
      }, 10);
    }
    postMessage() {}
    ref() {}
    unref() {}
  }
  return { Worker: UnloadableThread };
});

const { watchForBlockedProduction } = await import("./lock-watchdog");

const failures = { gaveWay: () => new Error("gave way"), blind: () => new Error("blind") };
const sessions = { backendPids: () => [4242], onJoin: () => undefined };

describe("a watchdog thread that cannot load", () => {
  it("stops its readers as blind at once, and is not started again and again", async () => {
    const first = watchForBlockedProduction("postgres://reader@127.0.0.1:1/crm", sessions, 2_000, failures);
    const second = watchForBlockedProduction("postgres://reader@127.0.0.1:1/crm", sessions, 2_000, failures);
    await expect.poll(() => first.signal.aborted && second.signal.aborted, { timeout: 2_000 }).toBe(true);
    expect(first.gaveWay()).toMatchObject({ message: "blind" });
    expect(second.signal.reason).toMatchObject({ message: "blind" });

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(started.count).toBe(1);
    await Promise.all([first.stop(), second.stop()]);
  });
});

