import { describe, expect, it } from "vitest";
import { pathsHoldingNul } from "./storable-text";

describe("pathsHoldingNul", () => {
  it("names each string and key that holds a NUL, by its dotted path, and nothing else", () => {
    const input = { note: "a\u0000b", name: "fine", options: { users: [{ name: "ok" }, { name: "x\u0000" }], ["k\u0000"]: 1 }, count: 3 };
    expect(pathsHoldingNul(input, 50).sort()).toEqual(["note", "options", "options.users.1.name"]);
    expect(pathsHoldingNul("\u0000", 50)).toEqual(["_form"]);
    expect(pathsHoldingNul({ text: "no nul here", list: [1, null, true] }, 50)).toEqual([]);
  });

  it("stops at its limit, and walks a body nested far deeper than the call stack goes", () => {
    expect(pathsHoldingNul(Array.from({ length: 500 }, () => "\u0000"), 50)).toHaveLength(50);
    let deep: unknown = "\u0000";
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(pathsHoldingNul(deep, 50)).toHaveLength(1);
  });
});
