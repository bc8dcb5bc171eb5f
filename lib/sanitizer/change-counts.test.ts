/** A copy's change counts: read once each, some ahead of the copy, and the rest given by the copy's own row counts. */
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { ChangeCounts, partsCounts } from "./change-counts";
import type { TablePlan } from "./copy-plan";

const plan = (table: string, estimatedBytes: number, changes: TablePlan["changes"] = [{ rule: 2, key: `${table}.email`, aggregate: "count(*)" }]) =>
  ({ table, estimatedBytes, scope: null, changes }) as unknown as TablePlan;

/** A production session that answers each count statement when told to, noting the tables it was asked about. */
function slowProduction() {
  const asked: string[] = [];
  const pending: (() => void)[] = [];
  const client = {
    query: (sql: string) => {
      asked.push(/public\."(\w+)"/.exec(sql)![1]!);
      return new Promise((resolve) => pending.push(() => resolve({ rows: [{ counts: ["7"] }] })));
    },
  } as unknown as pg.ClientBase;
  const answer = async () => {
    while (pending.length === 0) await new Promise((r) => setTimeout(r, 1));
    pending.shift()!();
    await new Promise((r) => setTimeout(r, 1));
  };
  return { client, asked, answer };
}

describe("a copy's change counts", () => {
  it("are read ahead, largest table first, until the copy starts; the copy waits for the statement in flight, and reads none twice", async () => {
    const production = slowProduction();
    const counts = new ChangeCounts();
    const plans = [plan("ticket", 10), plan("ticket_message", 90), plan("contact", 50), plan("sale", 30, [])];
    void counts.readAhead(production.client, plans);
    await production.answer(); // ticket_message
    let free = false;
    const copyStarts = counts.copyStarts().then(() => (free = true));
    await new Promise((r) => setTimeout(r, 5));
    // contact's count is in flight: the session is not free until it ends.
    expect(free).toBe(false);
    await production.answer();
    await copyStarts;
    expect(production.asked).toEqual(["ticket_message", "contact"]);
    // The streams take the counts read ahead, and read the others themselves.
    expect(await counts.of(production.client, plans[1]!)).toEqual([7]);
    const ticket = counts.of(production.client, plans[0]!);
    await production.answer();
    expect(await ticket).toEqual([7]);
    expect(production.asked).toEqual(["ticket_message", "contact", "ticket"]);
  });

  it("take the rows copied, and the rows not copied, from the copy where the plan says so", () => {
    const changes = [{ key: "chosen", fromCopy: "copied" as const }, { key: "e-mail" }, { key: "outside", fromCopy: "not copied" as const }, { key: "phone" }];
    expect(partsCounts(changes, [{ changes, counted: [5, 6], rows: 40 }], 100)).toEqual([40, 5, 60, 6]);
    expect(() => partsCounts(changes, [{ changes, counted: [5, 6], rows: 40 }])).toThrow(/whole count/);
  });

  it("sum a table copied in two parts: the chosen rows are the share's, the rows left out are all rows less both parts", () => {
    const share = [{ key: "chosen", fromCopy: "copied" as const }, { key: "e-mail" }, { key: "outside", fromCopy: "not copied" as const }];
    // The pulled-in part has no chosen rows: its plan does not count them.
    const pulledIn = [{ key: "e-mail" }, { key: "outside", fromCopy: "not copied" as const }];
    const parts = [
      { changes: share, counted: [30], rows: 40 },
      { changes: pulledIn, counted: [2], rows: 3 },
    ];
    expect(partsCounts(share, parts, 100)).toEqual([40, 32, 57]);
  });
});
