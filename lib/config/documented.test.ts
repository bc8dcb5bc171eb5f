/**
 * An operator configures the portal from README's table and .env.example: a variable the
 * portal reads that neither names is a setting nobody can find (five were missing from
 * .env.example before this test).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CHECKED_VARIABLES } from "./env";

const ROOT = path.resolve(__dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

/** Read outside env.ts: by the launcher (PORT), the worker's start (WORKER_BUNDLE_DIR, MALLOC_ARENA_MAX). */
const READ_BEFORE_THE_CHECK = ["PORT", "WORKER_BUNDLE_DIR", "MALLOC_ARENA_MAX"];
const variables = [...CHECKED_VARIABLES, ...READ_BEFORE_THE_CHECK];

describe("every setting is documented", () => {
  it("checks the variables it should (the list is read from the schema)", () => {
    expect(CHECKED_VARIABLES).toEqual(expect.arrayContaining(["DATABASE_URL", "NEXTAUTH_SECRET", "COPY_RATE_LIMIT_MBPS", "RUN_REPORT_RETENTION_DAYS"]));
  });

  it("in README's configuration table", () => {
    const rows = read("README.md")
      .split("\n")
      .filter((line) => line.startsWith("| `"));
    const missing = variables.filter((name) => !rows.some((row) => row.split("|")[1]!.includes(`\`${name}\``)));
    expect(missing).toEqual([]);
  });

  it("in .env.example", () => {
    const example = read(".env.example");
    const missing = variables.filter((name) => !new RegExp(`^#? ?${name}=`, "m").test(example));
    expect(missing).toEqual([]);
  });
});
