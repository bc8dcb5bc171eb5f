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
  const report = readJson<{ numPassedTests: number; numFailedTests: number; numFailedTestSuites: number }>("test-results/vitest.json");
  // A crash before any report, or a test file that fails to load (no test of it ran), still counts as a failure.
  const tally = report ? { passed: report.numPassedTests, failed: Math.max(report.numFailedTests, report.numFailedTestSuites) } : { passed: 0, failed: 0 };
  if (code !== 0 && tally.failed === 0) tally.failed = 1;
  results.push({ suite: "unit and integration", tally });
}

const built = check("build", "npx", ["next", "build"]);
if (built) {
  // The browser tests' server listens on a port free right now, never an assumed one.
  process.env.E2E_PORT ??= String(await freePort());
  const code = run("npx", ["playwright", "test"]);
  const report = readJson<{ stats: { expected: number; unexpected: number; flaky: number } }>("test-results/playwright.json");
  const tally = report
    ? { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected }
    : { passed: 0, failed: 0 };
  if (code !== 0 && tally.failed === 0) tally.failed = 1;
  results.push({ suite: "browser", tally });
} else {
  results.push({ suite: "browser (not run: the build failed)", tally: { passed: 0, failed: 1 } });
}

console.log("\nSummary");
for (const { suite, tally } of results) console.log(`  ${suite}: ${tally.passed} passed, ${tally.failed} failed`);
const passed = results.reduce((n, r) => n + r.tally.passed, 0);
const failed = results.reduce((n, r) => n + r.tally.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
