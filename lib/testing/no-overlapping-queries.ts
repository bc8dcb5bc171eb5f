/**
 * vitest's setup file for every test file: fails a file in which a pg client was handed a
 * statement while others were still waiting on it. pg queues such statements today and
 * deprecates doing so (pg@9 will refuse it): the code must wait for its own statements.
 * pg says so once per process (from the third statement on one client at once), and each
 * test file runs in a process of its own.
 */
import { afterAll } from "vitest";

const OVERLAP = "when the client is already executing a query";
const seen = globalThis as unknown as { pgOverlaps?: string[] };

if (!seen.pgOverlaps) {
  const overlaps: string[] = (seen.pgOverlaps = []);
  process.on("warning", (warning) => {
    if (warning.name === "DeprecationWarning" && warning.message.includes(OVERLAP)) overlaps.push(warning.stack ?? warning.message);
  });
}

afterAll(() => {
  const found = seen.pgOverlaps!.splice(0);
  if (found.length > 0) throw new Error(`A pg client was handed a statement while others were waiting on it:\n${found[0]}`);
});
