import { describe, expect, it } from "vitest";
import { workerProcessEnv } from "./worker-process-env";

describe("a worker process's environment", () => {
  it("holds glibc to two malloc arenas, and keeps everything else it is given", () => {
    expect(workerProcessEnv({ DATABASE_URL: "postgres://x", PATH: "/bin" })).toEqual({ DATABASE_URL: "postgres://x", PATH: "/bin", MALLOC_ARENA_MAX: "2" });
  });

  it("leaves an operator's own arena setting as it is", () => {
    expect(workerProcessEnv({ MALLOC_ARENA_MAX: "4" }).MALLOC_ARENA_MAX).toBe("4");
  });
});
