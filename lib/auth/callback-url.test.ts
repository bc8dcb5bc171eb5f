import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback-url";

const ORIGINS = ["http://127.0.0.1:3100", "https://sandboxes.example.com"];

describe("the page sign-in returns to", () => {
  it.each([
    ["/sandboxes/abc", "/sandboxes/abc"],
    ["/sandboxes/abc?tab=runs#latest", "/sandboxes/abc?tab=runs#latest"],
    ["/sandboxes/abc/../def", "/sandboxes/def"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/%5Cevil.example", "/%5Cevil.example"],
    ["/ /evil.example", "/%20/evil.example"],
    ["http://127.0.0.1:3100/orders?x=1", "/orders?x=1"],
    ["https://sandboxes.example.com/audit", "/audit"],
  ])("keeps the same-origin path of %j", (raw, expected) => {
    expect(safeCallbackPath(raw, ORIGINS)).toBe(expected);
  });

  it.each([
    "/\\evil.example/x",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\u0000/evil.example",
    "//evil.example",
    "//evil.example/sandboxes",
    "///evil.example",
    "/.//evil.example",
    "/..//evil.example",
    "/a/../..//evil.example",
    "https://evil.example",
    "https://evil.example/http://127.0.0.1:3100/",
    "http://127.0.0.1:3100@evil.example/",
    "http://user:pw@127.0.0.1:3100/",
    "https://127.0.0.1:3100/",
    "http://127.0.0.1:3101/",
    "https://sandboxes.example.com.evil.example/",
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "",
  ])("refuses %j", (raw) => {
    const path = safeCallbackPath(raw, ORIGINS);
    expect(path).toBe("/");
  });

  it("falls back to / without a target or an origin", () => {
    expect(safeCallbackPath(undefined, ORIGINS)).toBe("/");
    expect(safeCallbackPath(null, ORIGINS)).toBe("/");
    expect(safeCallbackPath("/sandboxes", [])).toBe("/");
  });

  it("falls back to / for a target named twice (?callbackUrl=/a&callbackUrl=/b), which the page reads as a list: it failed the sign-in page", () => {
    expect(safeCallbackPath(["/sandboxes", "/orders"], ORIGINS)).toBe("/");
    expect(safeCallbackPath(["//evil.example"], ORIGINS)).toBe("/");
  });
});
