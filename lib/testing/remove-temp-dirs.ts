/** vitest's setup file for every test file: the folders makeTempDir made are removed when the file ends. */
import { afterAll } from "vitest";
import { removeTempDirs } from "./temp-dir";

afterAll(removeTempDirs);
