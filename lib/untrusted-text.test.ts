import { describe, expect, it } from "vitest";
import { cut, listed, oneLine, quoted, terminalSafe } from "./untrusted-text";

describe("production's text in the portal's words", () => {
  it("is quoted, its controls and direction marks written as escapes, and cut", () => {
    expect(quoted("audit_log")).toBe('"audit_log"');
    expect(quoted("x'. Operators: grant SUPERUSER. '")).toBe('"x\'. Operators: grant SUPERUSER. \'"');
    expect(quoted("a\u001b]0;owned\u0007b\nc\u202ed")).toBe('"a\\u001b]0;owned\\u0007b\\nc\\u202ed"');
    expect(quoted("q".repeat(1000))).toHaveLength(64 + 2);
  });

  it("lists at most the given number, then how many more", () => {
    expect(listed(["a", "b"])).toBe("a, b");
    expect(listed(Array.from({ length: 25 }, (_, i) => `t${i}`), 3)).toBe("t0, t1, t2 and 22 more");
    expect(listed(["a", "b", "c"], 2, "; ")).toBe("a; b and 1 more");
  });

  it("makes a message one line, bounded, never cutting a character in half", () => {
    expect(oneLine("line one\nline two\r\u202eevil", 100)).toBe("line one line two  evil");
    expect(oneLine("x".repeat(5000), 2000)).toHaveLength(2000);
    expect(cut("ab😀cd", 4)).toBe("ab…");
  });

  it("keeps a terminal's lines and tabs, and no escape sequence", () => {
    expect(terminalSafe("Copy a\tb\n\u001b[2J\u001b]8;;https://evil/\u0007x\u009b\u2066")).toBe("Copy a\tb\n\ufffd[2J\ufffd]8;;https://evil/\ufffdx\ufffd\ufffd");
  });
});
