/**
 * Rule 18 leaves no production name, phone or address anywhere in the sandbox, and its
 * verifier reads the personal columns alone: every text column of the contract must be
 * judged one way or the other, or a column left out of both lists would be copied (and
 * verified) as production has it. Configuration tables' names were such columns.
 */
import { describe, expect, it } from "vitest";
import { CRM_TABLES } from "../../crm/contract";
import { EMPTY_CLASSIFICATION } from "../classification";
import { NOT_PERSONAL_TEXT_COLUMNS, personalKind } from "./columns";

const textColumns = CRM_TABLES.flatMap((t) => t.columns.filter((c) => c.type === "text" || c.type === "character").map((c) => [t.name, c.name] as const));

describe("the contract's text columns for rule 18", () => {
  it("are each personal or named as holding no personal data, never both", () => {
    const unjudged = textColumns.filter(([t, c]) => !personalKind(EMPTY_CLASSIFICATION, t, c) && !NOT_PERSONAL_TEXT_COLUMNS[t]?.includes(c));
    const both = textColumns.filter(([t, c]) => personalKind(EMPTY_CLASSIFICATION, t, c) && NOT_PERSONAL_TEXT_COLUMNS[t]?.includes(c));
    expect(unjudged.map((x) => x.join("."))).toEqual([]);
    expect(both.map((x) => x.join("."))).toEqual([]);
  });

  it("name only columns the contract has", () => {
    const known = new Set(textColumns.map((x) => x.join(".")));
    const stale = Object.entries(NOT_PERSONAL_TEXT_COLUMNS).flatMap(([t, cs]) => cs.map((c) => `${t}.${c}`)).filter((k) => !known.has(k));
    expect(stale).toEqual([]);
  });

  it("include the names people give web panels, scheduled tasks, ERP connections and ticket categories", () => {
    for (const [t, c] of [["web_panel", "name"], ["scheduled_task", "name"], ["erp_connection", "name"], ["ticket", "category"]] as const) {
      expect(personalKind(EMPTY_CLASSIFICATION, t, c), `${t}.${c}`).toBe("free-text");
    }
  });
});
