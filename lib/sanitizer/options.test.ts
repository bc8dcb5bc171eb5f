import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { classificationFilePath, loadClassification, parseClassification } from "./classification";
import { sandboxOptionsSchema } from "./options";

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
    [{ kind: "partial-ish" }, "kind"],
  ])("refuses %j", (input, field) => {
    const result = sandboxOptionsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe(field);
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
    const dir = await mkdtemp(path.join(tmpdir(), "classification-"));
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
