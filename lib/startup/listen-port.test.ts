import { describe, expect, it } from "vitest";
import { listenPort } from "./listen-port";

describe("the port the portal listens on", () => {
  it("is -p's, else PORT's, else 3000", () => {
    expect(listenPort([], {})).toBe(3000);
    expect(listenPort([], { PORT: "8080" })).toBe(8080);
    expect(listenPort(["-H", "0.0.0.0", "-p", "3188"], { PORT: "8080" })).toBe(3188);
    expect(listenPort(["--port", "3189"], {})).toBe(3189);
    expect(listenPort(["--port=3190"], { PORT: "8080" })).toBe(3190);
  });

  it("refuses what is no port, naming it, before anything starts: a server that could not listen used to exit 0", () => {
    for (const bad of ["abc", "99999", "0", "-1", "80.5", "", "0x50"]) {
      expect(() => listenPort([], { PORT: bad }), bad).toThrow(`must be a whole number from 1 to 65535, not "${bad}"`);
    }
    expect(() => listenPort(["-p"], { PORT: "8080" })).toThrow('not ""');
  });
});
