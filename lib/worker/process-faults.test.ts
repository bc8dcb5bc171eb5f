import { afterEach, describe, expect, it, vi } from "vitest";
import { captureLogLines } from "../testing/log-lines";
import { exitOnUncaughtException, onUncaughtException } from "./process-faults";

describe("a worker process's uncaught exception", () => {
  let restore = () => {};
  afterEach(() => restore());

  it("is logged without the secrets it quotes, and ends the process with 1 for its supervisor to start it again", () => {
    const captured = captureLogLines();
    restore = captured.restore;
    const exit = vi.fn();
    onUncaughtException(new Error("connect failed for postgresql://portal:s3cret-word@db.internal:5432/portal"), exit as never);
    expect(exit).toHaveBeenCalledWith(1);
    expect(captured.lines).toHaveLength(1);
    const line = JSON.stringify(captured.lines[0]);
    expect(captured.lines[0]).toMatchObject({ level: 50 });
    expect(String(captured.lines[0]!.msg)).toMatch(/uncaught exception/);
    expect(line).not.toContain("s3cret-word");
  });

  it("is handled once the worker's entry installs its handler", () => {
    const before = process.listeners("uncaughtException").length;
    exitOnUncaughtException();
    exitOnUncaughtException();
    const added = process.listeners("uncaughtException").slice(before);
    expect(added).toHaveLength(1);
    for (const listener of added) process.off("uncaughtException", listener);
  });
});
