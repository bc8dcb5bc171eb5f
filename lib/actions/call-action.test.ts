import { describe, expect, it } from "vitest";
import { callAction, PORTAL_UNREACHABLE } from "./call-action";

describe("a server action whose call fails", () => {
  it("comes back as a refusal in plain words, so the form's pending state clears", async () => {
    const failed = await callAction(() => Promise.reject(new TypeError("Failed to fetch")));
    expect(failed).toEqual({ ok: false, code: "INTERNAL", message: PORTAL_UNREACHABLE });
    expect(PORTAL_UNREACHABLE).not.toContain("fetch");
  });

  it("passes the action's own result through", async () => {
    expect(await callAction(() => Promise.resolve({ ok: true as const, data: 7 }))).toEqual({ ok: true, data: 7 });
    const refused = { ok: false as const, code: "CONFLICT" as const, message: "No." };
    expect(await callAction(() => Promise.resolve(refused))).toBe(refused);
  });
});
