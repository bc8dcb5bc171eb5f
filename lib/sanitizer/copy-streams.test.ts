import type pg from "pg";
import { describe, expect, it } from "vitest";
import type { TablePlan } from "./copy-plan";
import { drain } from "./copy-streams";

const plan = (table: string, estimatedBytes: number) => ({ table, estimatedBytes }) as TablePlan;
const source = (name: string) => ({ name }) as unknown as pg.ClientBase;
const tracker = { start: () => undefined };

/** A promise and its resolve/reject, to settle by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("the copy's streams", () => {
  it("copy the ready tables on the free session while the first reads the partial closure, then take the late tables largest first", async () => {
    const closure = deferred<void>();
    const late = deferred<TablePlan[]>();
    const taken: string[] = [];
    const done = drain(
      { sources: [source("first"), source("second")], firstSourceFree: closure.promise, latePlans: late.promise, plans: [plan("ticket", 10), plan("sale", 30)], tracker },
      async (s, p) => void taken.push(`${(s as unknown as { name: string }).name}:${p.table}`),
    );
    await new Promise((r) => setTimeout(r, 10));
    // The free session has taken every ready table, largest first; the first session has taken none.
    expect(taken).toEqual(["second:sale", "second:ticket"]);
    closure.resolve();
    late.resolve([plan("company", 5), plan("contact", 50)]);
    await done;
    expect(taken.slice(2).map((t) => t.split(":")[1])).toEqual(["contact", "company"]);
  });

  it("fail, and stop the other stream, when the closure fails", async () => {
    const closure = deferred<void>();
    const gate = deferred<void>();
    const taken: string[] = [];
    const done = drain(
      { sources: [source("first"), source("second")], firstSourceFree: closure.promise, latePlans: closure.promise.then(() => []), plans: [plan("sale", 30), plan("ticket", 10)], tracker },
      async (_s, p, _key, signal) => {
        taken.push(p.table);
        await gate.promise;
        signal.throwIfAborted();
      },
    );
    await new Promise((r) => setTimeout(r, 10));
    closure.reject(new Error("the closure statement was cancelled"));
    gate.resolve();
    await expect(done).rejects.toThrow("the closure statement was cancelled");
    // The free session had begun the largest table; the next one was never started.
    expect(taken).toEqual(["sale"]);
  });

  it("end without waiting when no plan comes late", async () => {
    const taken: string[] = [];
    await drain({ sources: [source("first"), source("second")], plans: [plan("a", 1), plan("b", 2), plan("c", 3)], tracker }, async (_s, p) => void taken.push(p.table));
    expect(taken.sort()).toEqual(["a", "b", "c"]);
  });
});
