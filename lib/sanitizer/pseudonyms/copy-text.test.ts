import { describe, expect, it } from "vitest";
import { decodeField, encodeField } from "./copy-text";

describe("COPY text fields", () => {
  it("round-trips tabs, newlines, carriage returns and backslashes", () => {
    for (const value of ["plain", "a\tb", "line 1\nline 2\r\n", "C:\\path\\N", "\\N", "ø æ å ’"]) {
      expect(decodeField(encodeField(value))).toBe(value);
    }
  });

  it("decodes the escapes PostgreSQL may write, octal and hex bytes as UTF-8", () => {
    expect(decodeField("a\\bb\\fc\\vd")).toBe("a\bb\fc\vd");
    expect(decodeField("\\303\\270")).toBe("ø");
    expect(decodeField("\\xc3\\xb8")).toBe("ø");
    expect(decodeField("\\q")).toBe("q");
  });
});
