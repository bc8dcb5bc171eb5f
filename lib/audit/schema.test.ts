import { describe, expect, it } from "vitest";
import { auditFilterParams, formatAuditCursor, parseAuditQuery } from "./schema";
import { auditDetailLines } from "./details";

describe("the audit log's URL", () => {
  it("reads filters and a cursor; empty fields are no filter", () => {
    const cursor = { createdAt: new Date("2026-11-30T18:40:00.123Z"), id: "clx1abc" };
    const parsed = parseAuditQuery({ who: " ingrid ", tenant: "", action: "checklist.fixed", from: "2026-11-01", to: "2026-11-30", before: formatAuditCursor(cursor) });
    expect(parsed).toEqual({
      ok: true,
      query: { who: "ingrid", action: "checklist.fixed", from: new Date("2026-11-01T00:00:00.000Z"), to: new Date("2026-11-30T00:00:00.000Z"), before: cursor },
    });
    expect(parseAuditQuery({ who: ["a", "b"] })).toEqual({ ok: true, query: { who: "a" } });
  });

  it("turns bad values into messages a person understands", () => {
    const problems = (raw: Record<string, string>) => (parsed => (parsed.ok ? [] : parsed.problems))(parseAuditQuery(raw));
    expect(problems({ action: "drop table" })).toEqual(["Choose an action from the list."]);
    expect(problems({ from: "2026-02-31" })).toEqual(["“From” must be a day written as YYYY-MM-DD (UTC), such as 2026-11-30."]);
    expect(problems({ to: "yesterday" })).toEqual(["“To” must be a day written as YYYY-MM-DD (UTC), such as 2026-11-30."]);
    expect(problems({ from: "2026-11-02", to: "2026-11-01" })).toEqual(["“From” must not be later than “To”."]);
    expect(problems({ before: "2026-11-30_x'; --" })).toEqual(["The page link is damaged: start again from the newest events."]);
    expect(problems({ who: "x".repeat(201) })).toEqual(["“Who” can be at most 200 characters."]);
  });

  it("ties each filter's message to its field, and a damaged page link to none", () => {
    const fields = (raw: Record<string, string>) => (parsed => (parsed.ok ? {} : parsed.fieldProblems))(parseAuditQuery(raw));
    expect(fields({ to: "yesterday", who: "x".repeat(201) })).toEqual({
      to: "“To” must be a day written as YYYY-MM-DD (UTC), such as 2026-11-30.",
      who: "“Who” can be at most 200 characters.",
    });
    expect(fields({ before: "2026-11-30_x'; --" })).toEqual({});
  });

  it("keeps only the filters for links, never the cursor", () => {
    expect(auditFilterParams({ who: "ingrid", before: "x", action: "", page: "3" }).toString()).toBe("who=ingrid");
  });
});

describe("audit details", () => {
  it("are readable lines: nested values as dotted keys, internal names left out", () => {
    expect(auditDetailLines({ name: "UAT", database: "sbx_123", from: { planCounts: { complete: 2 } }, objects: [{ kind: "index" }], reason: null, tags: [] })).toEqual([
      { key: "name", value: "UAT" },
      { key: "from.planCounts.complete", value: "2" },
      { key: "objects.1.kind", value: "index" },
      { key: "reason", value: "—" },
      { key: "tags", value: "none" },
    ]);
    expect(auditDetailLines(null)).toEqual([]);
  });
});
