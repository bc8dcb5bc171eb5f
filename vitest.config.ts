import path from "node:path";
import { defineConfig } from "vitest/config";

const TESTS = ["lib/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.test.ts"];

/**
 * Two projects: `unit` (pure code, seconds: `npm run test:quick`) and `db`
 * (`*.db.test.ts`: against a throwaway PostgreSQL that only this project starts).
 */
export default defineConfig({
  resolve: {
    alias: {
      // `server-only` throws outside React Server Components; tests run server code directly.
      "server-only": path.resolve("lib/testing/server-only-stub.ts"),
      "@": path.resolve("."),
    },
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more workers only fight over them.
    maxWorkers: 2,
    setupFiles: ["lib/testing/remove-temp-dirs.ts", "lib/testing/own-outbox.ts", "lib/testing/no-overlapping-queries.ts"],
    projects: [
      { extends: true, test: { name: "unit", include: TESTS, exclude: ["**/*.db.test.ts", "**/node_modules/**"] } },
      { extends: true, test: { name: "db", include: TESTS.map((glob) => glob.replace(/\.test\.ts$/, ".db.test.ts")), globalSetup: ["lib/testing/global-setup.ts"] } },
    ],
  },
});
