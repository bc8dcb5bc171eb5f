import type pg from "pg";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TablePlan } from "./copy-plan";
import { drain, type DeferredPlan } from "./copy-streams";

const plan = (table: string, estimatedBytes: number) => ({ table, estimatedBytes }) as TablePlan;
const source = (name: string) => ({ name }) as unknown as pg.ClientBase;
const nameOf = (s: pg.ClientBase) => (s as unknown as { name: string }).name;
const tracker = { start: () => undefined };
const sources = [source("first"), source("second")];

/** A promise and its resolve/reject, to settle by hand. */
function deferredPromise<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** A deferred plan that notes, when written, which tables were copied by then. */
function later(table: string, after: string[], copied: string[], written: string[], name = table) {
  return {
    name,
    table,
    after,
    write: async (s: pg.ClientBase) => {
      written.push(`${table} on ${nameOf(s)} after ${[...copied].sort().join(",")}`);
      return plan(table, 1);
    },
  } satisfies DeferredPlan;
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe("the copy's streams", () => {
  describe("with production's idle limit at 0.3 s", () => {
    beforeEach(() => void vi.stubEnv("PRODUCTION_IDLE_TIMEOUT_SECONDS", "0.3"));
    afterEach(() => void vi.unstubAllEnvs());
    /** Sources that note each statement said on them. */
    const speakingSources = (spoken: string[]) =>
      ["first", "second"].map((name) => ({ name, query: async (sql: string) => void spoken.push(`${name}: ${sql}`) }) as unknown as pg.ClientBase);

    it("speak on a finished stream's session while another still works: the counts before the copy run on the copy's sessions", async () => {
      const spoken: string[] = [];
      await drain({ sources: speakingSources(spoken), plans: [plan("inbox_message", 100), plan("webhook", 1)], tracker }, async (_s, p) => {
        // A count of a large table: three times the idle limit.
        if (p.table === "inbox_message") await new Promise((r) => setTimeout(r, 900));
      });
      expect(spoken.length).toBeGreaterThanOrEqual(5);
      expect(new Set(spoken).size).toBe(1);
    });

    it("speak on a waiting stream's session while the other copies what it waits for: production ends a session idle in its transaction", async () => {
      const spoken: string[] = [];
      const copied: string[] = [];
      await drain(
        { sources: speakingSources(spoken), plans: [plan("appointment", 100)], deferred: [later("contact", ["appointment"], copied, [])], tracker },
        async (_s, p) => {
          // A large table: three times the idle limit.
          if (p.table === "appointment") await new Promise((r) => setTimeout(r, 900));
          copied.push(p.table);
        },
      );
      expect(copied).toEqual(["appointment", "contact"]);
      expect(spoken.length).toBeGreaterThanOrEqual(5);
      // Only the waiting stream's session, never one in the middle of its COPY.
      expect(new Set(spoken).size).toBe(1);
      expect(spoken[0]).toMatch(/^(first|second): SELECT 1$/);
    });
  });

  it("copy first the tables a deferred plan follows, then write each deferred plan once those are in, before any other table", async () => {
    const copied: string[] = [];
    const written: string[] = [];
    await drain(
      {
        sources,
        plans: [plan("web_panel", 100), plan("ticket", 10), plan("sale", 30)],
        deferred: [later("company", ["contact"], copied, written), later("contact", ["sale", "ticket"], copied, written)],
        tracker,
      },
      async (_s, p) => {
        await tick();
        copied.push(p.table);
      },
    );
    // The followed tables went before the larger one no deferred plan follows.
    expect(copied.indexOf("web_panel")).toBeGreaterThan(Math.max(copied.indexOf("sale"), copied.indexOf("ticket")));
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/^contact on \w+ after (.+,)?sale,ticket/);
    expect(written[1]).toMatch(/^company on \w+ after (.*,)?contact(,|$)/);
    expect(copied).toHaveLength(5);
  });

  it("copy a table's second part, under its own step, once its first part and the tables it follows are in", async () => {
    const steps: string[] = [];
    const written: string[] = [];
    const copied: string[] = [];
    await drain(
      {
        sources,
        // Contacts' and companies' own shares go with the others; the rows pulled into them follow.
        plans: [plan("contact", 20), plan("company", 5), plan("sale", 30), plan("web_panel", 100)],
        deferred: [
          later("company", ["contact", "contact (pulled in)", "sale", "company"], copied, written, "company (pulled in)"),
          later("contact", ["sale", "contact"], copied, written, "contact (pulled in)"),
        ],
        tracker,
      },
      async (_s, p, key) => {
        await tick();
        steps.push(key);
        copied.push(key);
      },
    );
    expect(written[0]).toMatch(/^contact on \w+ after (.+,)?table:contact,(.+,)?table:sale/);
    expect(written[1]).toMatch(/^company on \w+ after (.+,)?table:company,table:contact,table:contact \(pulled in\),table:sale/);
    expect(steps.indexOf("table:company (pulled in)")).toBe(steps.length - 1);
    expect(steps).toHaveLength(6);
  });

  it("keep a stream waiting while the other copies what the last plan follows, then let it take it", async () => {
    const gate = deferredPromise<void>();
    const copied: string[] = [];
    const written: string[] = [];
    const taken: string[] = [];
    const done = drain(
      { sources, plans: [plan("sale", 30)], deferred: [later("contact", ["sale"], copied, written)], tracker },
      async (s, p) => {
        taken.push(`${nameOf(s)}:${p.table}`);
        if (p.table === "sale") await gate.promise;
        copied.push(p.table);
      },
    );
    await tick();
    expect(taken).toHaveLength(1);
    expect(written).toEqual([]);
    gate.resolve();
    await done;
    expect(written).toEqual([expect.stringMatching(/^contact on \w+ after sale$/)]);
    expect(taken.map((t) => t.split(":")[1])).toEqual(["sale", "contact"]);
  });

  it("fail, and stop the other stream even while it waits, when one fails", async () => {
    const copied: string[] = [];
    const written: string[] = [];
    const done = drain(
      { sources, plans: [plan("sale", 30)], deferred: [later("contact", ["sale"], copied, written)], tracker },
      async () => {
        await tick();
        throw new Error("the sandbox server went away");
      },
    );
    await expect(done).rejects.toThrow("the sandbox server went away");
    expect(written).toEqual([]);
  });

  it("refuse, rather than wait for ever, a deferred plan that follows a table never copied", async () => {
    const written: string[] = [];
    const done = drain({ sources, plans: [plan("sale", 30)], deferred: [later("contact", ["ticket"], [], written)], tracker }, async () => {
      await tick();
    });
    await expect(done).rejects.toThrow(/cannot copy contact/);
    expect(written).toEqual([]);
  });

  it("let the first session join once it is free: the other takes the largest table meanwhile", async () => {
    const free = deferredPromise<void>();
    const taken: string[] = [];
    const done = drain({ sources, firstSourceFree: free.promise, plans: [plan("ticket", 10), plan("sale", 30)], tracker }, async (s, p) => {
      taken.push(`${nameOf(s)}:${p.table}`);
      await tick();
    });
    await tick();
    expect(taken).toEqual(["second:sale"]);
    free.resolve();
    await done;
    expect(taken).toHaveLength(2);
  });

  it("end without waiting when no plan is deferred", async () => {
    const taken: string[] = [];
    await drain({ sources, plans: [plan("a", 1), plan("b", 2), plan("c", 3)], tracker }, async (_s, p) => void taken.push(p.table));
    expect(taken.sort()).toEqual(["a", "b", "c"]);
  });
});
