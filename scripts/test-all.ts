/**
 * `npm test`: every suite in order — typecheck, lint, the CRM contract DDL, unit and integration
 * tests (vitest, on a throwaway PostgreSQL), production build, browser tests
 * (Playwright in Debian's chromium) — then one closing line summing them all:
 * `N passed, N failed`. Exits non-zero when anything failed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, mkdirSync } from "node:fs";
import { freePort } from "../lib/testing/free-port";

interface Tally {
  passed: number;
  failed: number;
}

const results: { suite: string; tally: Tally }[] = [];
/** Which tests failed, with their first line of reason: printed in the summary, which CI shows even when it cuts the log. */
const failures: string[] = [];

function run(command: string, args: string[]): number {
  console.log(`\n$ ${command} ${args.join(" ")}`);
  const child = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, FORCE_COLOR: "0", NEXT_TELEMETRY_DISABLED: "1" } });
  return child.status ?? 1;
}

/** A suite that is one check (typecheck, lint, build): it passes or fails as a whole. */
function check(suite: string, command: string, args: string[]): boolean {
  const ok = run(command, args) === 0;
  results.push({ suite, tally: { passed: ok ? 1 : 0, failed: ok ? 0 : 1 } });
  return ok;
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
  }[];
}

interface PlaywrightSpec {
  title: string;
  file: string;
  ok: boolean;
  tests: { results: { error?: { message?: string } }[] }[];
}
interface PlaywrightSuite {
  specs?: PlaywrightSpec[];
  suites?: PlaywrightSuite[];
}
interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number };
  suites: PlaywrightSuite[];
}

const firstLine = (text: string | undefined) => (text ?? "").split("\n").find((line) => line.trim() !== "")?.trim().slice(0, 200) ?? "";

/** A test file that failed as a whole (it did not load, or a hook threw) with no failed test to count. */
const failedWithoutATest = (file: VitestReport["testResults"][number]) =>
  file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed");

function vitestFailures(report: VitestReport): string[] {
  const lines: string[] = [];
  for (const file of report.testResults) {
    const name = file.name.replace(process.cwd() + "/", "");
    for (const test of file.assertionResults.filter((t) => t.status === "failed")) lines.push(`${name} › ${test.fullName}: ${firstLine(test.failureMessages[0])}`);
    if (failedWithoutATest(file)) lines.push(`${name}: ${firstLine(file.message)}`);
  }
  return lines;
}


function playwrightFailures(report: PlaywrightReport): string[] {
  const lines: string[] = [];
  const walk = (suite: PlaywrightSuite) => {
    for (const spec of suite.specs ?? []) {
      if (spec.ok) continue;
      const error = spec.tests.flatMap((test) => test.results).find((result) => result.error)?.error?.message;
      lines.push(`${spec.file} › ${spec.title}: ${firstLine(error)}`);
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites) walk(suite);
  return lines;
}

function readJson<T>(file: string): T | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : null;
}

rmSync("test-results", { recursive: true, force: true });
mkdirSync("test-results", { recursive: true });

check("typecheck", "npx", ["tsc", "--noEmit", "-p", "."]);
check("lint", "npx", ["eslint", "--max-warnings=0", "."]);
// prisma/crm/contract.sql must be what the CRM Prisma schema says (the contract test reads the file).
check("contract DDL up to date", "npx", ["tsx", "scripts/crm-contract-sql.ts", "--check"]);

{
  const code = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile.json=test-results/vitest.json"]);
  const report = readJson<VitestReport>("test-results/vitest.json");
  if (report) failures.push(...vitestFailures(report));
  // A crash before any report, or a test file that fails to load (no test of it ran), still counts as a failure.
  // (vitest's numFailedTestSuites counts each describe block around a failed test too: one failed test read "2 failed".)
  const tally = report ? { passed: report.numPassedTests, failed: report.numFailedTests + report.testResults.filter(failedWithoutATest).length } : { passed: 0, failed: 0 };
  if (code !== 0 && tally.failed === 0) tally.failed = 1;
  results.push({ suite: "unit and integration", tally });
}

const built = check("build", "npx", ["next", "build"]);
if (built) {
  // The browser tests' server listens on a port free right now, never an assumed one.
  process.env.E2E_PORT ??= String(await freePort());
  const code = run("npx", ["playwright", "test"]);
  const report = readJson<PlaywrightReport>("test-results/playwright.json");
  if (report) failures.push(...playwrightFailures(report));
  const tally = report
    ? { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected }
    : { passed: 0, failed: 0 };
  if (code !== 0 && tally.failed === 0) tally.failed = 1;
  results.push({ suite: "browser", tally });
} else {
  results.push({ suite: "browser (not run: the build failed)", tally: { passed: 0, failed: 1 } });
}

if (failures.length > 0) {
  console.log("\nFailed");
  for (const failure of failures) console.log(`  ${failure}`);
}
console.log("\nSummary");
for (const { suite, tally } of results) console.log(`  ${suite}: ${tally.passed} passed, ${tally.failed} failed`);
const passed = results.reduce((n, r) => n + r.tally.passed, 0);
const failed = results.reduce((n, r) => n + r.tally.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
