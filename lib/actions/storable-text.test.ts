import { describe, expect, it } from "vitest";
import { LONE_SURROGATE_REFUSED, NUL_REFUSED, unstorableStrings } from "./storable-text";

const paths = (raw: unknown, limit = 50) => unstorableStrings(raw, limit).map(([path]) => path);

describe("unstorableStrings", () => {
  it("names each string and key that holds a NUL, by its dotted path, and nothing else", () => {
    const input = { note: "a\u0000b", name: "fine", options: { users: [{ name: "ok" }, { name: "x\u0000" }], ["k\u0000"]: 1 }, count: 3 };
    expect(paths(input).sort()).toEqual(["note", "options", "options.users.1.name"]);
    expect(unstorableStrings("\u0000", 50)).toEqual([["_form", NUL_REFUSED]]);
    expect(paths({ text: "no nul here", list: [1, null, true] })).toEqual([]);
  });

  it("names each string and key holding half of a surrogate pair, which jsonb refuses; whole pairs (emoji) pass", () => {
    const input = { high: "a\ud800b", low: "\udc00", end: "x\ud83d", pair: "ok 😀 \ud83d\ude00", tables: { ["t\udfff"]: "copy" } };
    expect(unstorableStrings(input, 50).sort()).toEqual([
      ["end", LONE_SURROGATE_REFUSED],
      ["high", LONE_SURROGATE_REFUSED],
      ["low", LONE_SURROGATE_REFUSED],
      ["tables", LONE_SURROGATE_REFUSED],
    ]);
    // Reversed halves are two lone ones.
    expect(paths({ reversed: "\ude00\ud83d" })).toEqual(["reversed"]);
  });

  it("stops at its limit, and walks a body nested far deeper than the call stack goes", () => {
    expect(unstorableStrings(Array.from({ length: 500 }, () => "\u0000"), 50)).toHaveLength(50);
    let deep: unknown = "\ud800";
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(unstorableStrings(deep, 50)).toHaveLength(1);
  });
});
