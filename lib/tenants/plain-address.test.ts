import { describe, expect, it } from "vitest";
import { plainAddress } from "./production";

describe("addresses read from production", () => {
  it("keeps one plain address, lower-cased, and nothing else", () => {
    expect(plainAddress("  Anna.Berg@Alpha.EXAMPLE ")).toBe("anna.berg@alpha.example");
    for (const bad of [null, "", "anna", "a@b.com, c@d.com", "Anna <a@b.com>", "a@b.com\nBcc: x@y.com", "a@localhost"]) {
      expect(plainAddress(bad)).toBeNull();
    }
  });
});
