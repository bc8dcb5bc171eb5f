import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { classificationFilePath, loadClassification, parseClassification } from "./classification";
import { describeContents, describeKind, describeShare, partialShareOf, sameChoices, sandboxOptionsSchema, savedChoicesFor } from "./options";
import { makeTempDir } from "../testing/temp-dir";

describe("sandboxOptionsSchema", () => {
  it("fills every default", () => {
    expect(sandboxOptionsSchema.parse({})).toEqual({
      kind: "full",
      users: [],
      invalidationDomain: "mailinator.com",
      keepEnabledTaskIds: [],
      documents: { mode: "none" },
      serviceAttachments: false,
      stateAfterCopy: "running",
      personalData: "keep",
    });
  });

  it("accepts every choice", () => {
    const options = {
      kind: "config",
      users: [{ associateId: 3, userPlan: "service-premium" }],
      invalidationDomain: "Example.TEST",
      keepEnabledTaskIds: [1, 2],
      documents: { mode: "since", since: "2024-02-29" },
      serviceAttachments: true,
      stateAfterCopy: "maintenance",
      personalData: "pseudonymise",
    };
    expect(sandboxOptionsSchema.parse(options)).toEqual({ ...options, invalidationDomain: "example.test" });
  });

  it.each([
    [{ invalidationDomain: "not a host" }, "invalidationDomain"],
    [{ invalidationDomain: "user@mailinator.com" }, "invalidationDomain"],
    [{ invalidationDomain: "localhost" }, "invalidationDomain"],
    [{ users: [{ associateId: 1, userPlan: "gold" }] }, "users"],
    [{ users: [{ associateId: 1, userPlan: "complete" }, { associateId: 1, userPlan: "marketing" }] }, "users"],
    [{ keepEnabledTaskIds: [1, 1] }, "keepEnabledTaskIds"],
    [{ documents: { mode: "since", since: "2024-02-30" } }, "documents"],
    [{ documents: { mode: "since" } }, "documents"],
    [{ stateAfterCopy: "stopped" }, "stateAfterCopy"],
    [{ personalData: "anonymise" }, "personalData"],
    [{ kind: "partial-ish" }, "kind"],
  ])("refuses %j", (input, field) => {
    const result = sandboxOptionsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe(field);
  });
});

describe("a partial copy's share", () => {
  // Two days ahead: a day ahead by the clock of a process an hour ahead is tomorrow for an hour of each day.
  const dayAfterTomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  afterEach(() => vi.useRealTimers());

  it("takes a date the web chose at midnight on a worker whose clock is a little behind", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-07T23:59:30Z"));
    const options = sandboxOptionsSchema.parse({ kind: "partial", share: { by: "since", since: "2026-12-08" } });
    expect(options.share).toEqual({ by: "since", since: "2026-12-08" });
    expect(sandboxOptionsSchema.safeParse({ kind: "partial", share: { by: "since", since: "2026-12-09" } }).success).toBe(false);
  });

  it("takes 10 % of companies unless told otherwise, and says each share in plain words", () => {
    const options = sandboxOptionsSchema.parse({ kind: "partial" });
    expect(partialShareOf(options)).toEqual({ by: "percent", percent: 10 });
    expect(describeKind(options)).toBe("Partial copy: 10 % of companies");
    expect(describeShare({ by: "since", since: "2026-01-31" })).toBe("companies changed since 2026-01-31");
    expect(describeShare({ by: "companies", ids: [4, 9, 12] })).toBe("3 named companies");
    expect(describeKind({ kind: "full", share: { by: "percent", percent: 50 } })).toBe("Full copy");
  });

  it.each([
    [{ by: "percent", percent: 1 }],
    [{ by: "percent", percent: 99 }],
    [{ by: "since", since: new Date().toISOString().slice(0, 10) }],
    [{ by: "companies", ids: [1, 2, 3] }],
  ])("accepts %j", (share) => {
    expect(sandboxOptionsSchema.parse({ kind: "partial", share }).share).toEqual(share);
  });

  it.each([
    [{ by: "percent", percent: 0 }, "0 % copies no company"],
    [{ by: "percent", percent: 100 }, "choose a full copy"],
    [{ by: "percent", percent: 12.5 }, "whole number"],
    [{ by: "since", since: dayAfterTomorrow }, "in the future"],
    [{ by: "companies", ids: [] }, "at least one company"],
    [{ by: "companies", ids: [3, 3] }, "only once"],
    [{ by: "companies", ids: [3_000_000_000] }, "No id is that large"],
    [{ by: "companies", ids: [Number.NaN, 12] }, "Each id is a whole number, such as 12."],
    [{ by: "companies", ids: [0] }, "Ids start at 1."],
    [{ by: "since", since: "" }, "Choose a date."],
    [{ by: "since", since: "31.01.2026" }, "Use a date as YYYY-MM-DD."],
    [{ by: "random" }, ""],
  ])("refuses %j in plain words", (share, words) => {
    const result = sandboxOptionsSchema.safeParse({ kind: "partial", share });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe("share");
    expect(result.error?.issues[0]?.message).toContain(words);
  });
});

describe("classification", () => {
  it("the shipped file is valid and empty", async () => {
    expect(await loadClassification()).toMatchObject({ columns: {}, tables: {} });
  });

  const messageOf = (value: unknown) => {
    try {
      parseClassification(value);
    } catch (error) {
      expect(error).toMatchObject({ code: "INVALID_CLASSIFICATION" });
      return (error as Error).message;
    }
    throw new Error("accepted");
  };

  it("refuses bad treatments, bad keys and unknown fields, listing every problem", () => {
    const message = messageOf({ columns: { "company.x": "hash", Bad: "keep" }, tables: { extra: "drop" }, other: 1 });
    for (const part of ["columns.company.x", "columns.Bad", "tables.extra", "other"]) expect(message).toContain(part);
  });

  it("classifies objects: leave-out for any kind, copy only without an executable part", () => {
    expect(
      parseClassification({
        tables: { 'odd "name"; --': "copy" },
        objects: [
          { kind: "trigger", table: "company", name: "t", treatment: "leave-out" },
          { kind: "index", table: "company", name: "i", treatment: "copy" },
          { kind: "view", name: "v", treatment: "leave-out" },
        ],
      }).objects,
    ).toEqual([
      { kind: "trigger", table: "company", name: "t", treatment: "leave-out" },
      { kind: "index", table: "company", name: "i", treatment: "copy" },
      { kind: "view", table: null, name: "v", treatment: "leave-out" },
    ]);
    const message = messageOf({ objects: [{ kind: "function", name: "f()", treatment: "copy" }, { kind: "gadget", name: "g", treatment: "leave-out" }] });
    for (const part of ["objects.0", "executable part", "objects.1.kind"]) expect(message).toContain(part);
  });

  it("refuses classifying contract tables and columns", () => {
    const message = messageOf({ columns: { "company.email": "keep" }, tables: { ticket: "skip" } });
    for (const part of ["company.email is a contract column", "ticket is a contract table"]) expect(message).toContain(part);
  });

  it("reads the file named by CRM_CLASSIFICATION_FILE, with clear errors", async () => {
    const dir = await makeTempDir("classification-");
    const file = path.join(dir, "c.json");
    expect(classificationFilePath(file)).toBe(file);
    await writeFile(file, JSON.stringify({ columns: { "company.vat": "keep" }, tables: { audit: "skip" } }));
    // A file written before objects could be classified still reads, with no objects.
    expect(await loadClassification(file)).toEqual({ columns: { "company.vat": "keep" }, tables: { audit: "skip" }, objects: [] });
    await writeFile(file, "{ not json");
    await expect(loadClassification(file)).rejects.toMatchObject({ code: "INVALID_CLASSIFICATION", message: expect.stringContaining("not valid JSON") });
    await expect(loadClassification(path.join(dir, "missing.json"))).rejects.toMatchObject({ message: expect.stringContaining("Cannot read") });
  });
});

describe("describeContents", () => {
  it("says when people are pseudonymised, and only then", () => {
    expect(describeContents({ kind: "full", personalData: "keep" })).toBe("Full copy");
    expect(describeContents({ kind: "partial", share: { by: "percent", percent: 5 }, personalData: "pseudonymise" })).toBe("Partial copy: 5 % of companies, people pseudonymised");
  });
});

describe("a refresh's starting choices", () => {
  const configOnly = { kind: "config", documents: { mode: "all" }, serviceAttachments: true, invalidationDomain: "sandbox.example" };

  it("leaves out the files a configuration-only copy was never given, when the refresh changes its kind", () => {
    expect(savedChoicesFor(configOnly, "full")).toEqual({ kind: "config", invalidationDomain: "sandbox.example" });
    expect(savedChoicesFor(configOnly, "partial")).toEqual({ kind: "config", invalidationDomain: "sandbox.example" });
  });

  it("keeps them for a refresh that stays configuration only or names no kind, and for every other kind's choices", () => {
    expect(savedChoicesFor(configOnly, "config")).toEqual(configOnly);
    expect(savedChoicesFor(configOnly, undefined)).toEqual(configOnly);
    const full = { ...configOnly, kind: "full" };
    expect(savedChoicesFor(full, "partial")).toEqual(full);
  });

  it("are the same choices when both read the same, however the saved ones were stored", () => {
    const parsed = sandboxOptionsSchema.parse({ invalidationDomain: "sandbox.example" });
    // Stored before kinds and personal data were choices: the schema's defaults are what they meant.
    expect(sameChoices({ invalidationDomain: "sandbox.example" }, parsed)).toBe(true);
    expect(sameChoices({ invalidationDomain: "other.example" }, parsed)).toBe(false);
    expect(sameChoices({ kind: "nonsense" }, parsed)).toBe(false);
  });
});
