import { describe, expect, it } from "vitest";
import { knownTimeZone } from "./time-zone";

describe("the reader's time zone, from the browser's cookie", () => {
  it("takes a zone the runtime knows, by its canonical name", () => {
    expect(knownTimeZone("Europe/Oslo")).toBe("Europe/Oslo");
    expect(knownTimeZone("europe/oslo")).toBe("Europe/Oslo");
    expect(knownTimeZone("UTC")).toBe("UTC");
    expect(knownTimeZone("Etc/GMT+5")).toBe("Etc/GMT+5");
  });

  it("takes nothing else: the cookie is the browser's to write", () => {
    for (const hostile of [undefined, null, "", "Mars/Olympus_Mons", "../../etc/passwd", "Europe/Oslo\u0000", "Europe/Oslo;", "<script>", "Europe/" + "A".repeat(100), "+01:00", "Europe/Oslo "]) {
      expect(knownTimeZone(hostile), String(hostile)).toBeNull();
    }
  });
});
