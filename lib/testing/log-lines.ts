/** Test helper: every line the logger writes from now on, parsed, until `restore()`. */
import { Writable } from "node:stream";
import { captureLogs } from "../observability/log";

export function captureLogLines(): { lines: Record<string, unknown>[]; restore: () => void } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, restore: captureLogs(sink) };
}
