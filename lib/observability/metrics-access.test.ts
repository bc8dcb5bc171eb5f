import { describe, expect, it } from "vitest";
import { metricsAccess } from "./metrics-access";

describe("who may read the metrics", () => {
  it("is closed when no token is configured, whatever is presented", () => {
    expect(metricsAccess(null, undefined)).toBe("disabled");
    expect(metricsAccess("Bearer anything", undefined)).toBe("disabled");
    expect(metricsAccess("Bearer ", "")).toBe("disabled");
  });

  it("wants the configured token as a bearer token, exactly", () => {
    const token = "m3trics-t0ken-of-some-length";
    expect(metricsAccess(`Bearer ${token}`, token)).toBe("granted");
    expect(metricsAccess(`bearer ${token}`, token)).toBe("granted");
    for (const header of [null, "", token, `Basic ${token}`, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, "Bearer"]) {
      expect(metricsAccess(header, token)).toBe("unauthorized");
    }
  });
});
