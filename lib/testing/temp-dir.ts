/**
 * Temporary folders for tests (e-mail outboxes, classification files…): made under
 * the system's temporary folder, and removed when their test file ends, by the
 * `afterAll` that lib/testing/remove-temp-dirs.ts registers for every file. A test
 * file never has to remember its own clean-up, and leaves nothing behind.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

const made: string[] = [];

export async function makeTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder this test file made. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
