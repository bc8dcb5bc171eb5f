/**
 * vitest's setup file for every test file: mails go to a folder of the file's own, removed
 * when it ends (temp-dir.ts), never to the developer's `.data/outbox`. A file that reads its
 * mails sets OUTBOX_DIR again in its own set-up.
 */
import { makeTempDir } from "./temp-dir";

process.env.OUTBOX_DIR = await makeTempDir("test-outbox-");
