/**
 * Runs one provisionSandbox in its own process, so the benchmark measures the peak
 * RSS of exactly what a worker does. Input: one JSON argument; output: one JSON line.
 */
import { provisionSandbox } from "../../lib/sanitizer/provision";
import type { SandboxOptionsInput } from "../../lib/sanitizer/options";

interface ChildInput {
  productionUrl: string;
  sandboxServerUrl: string;
  databaseName: string;
  options: SandboxOptionsInput;
}

const input = JSON.parse(process.argv[2] ?? "{}") as ChildInput;
const started = performance.now();
// Phase → ms, summed when a phase repeats.
const phases: Record<string, number> = {};
const report = await provisionSandbox({
  ...input,
  onPhase: (phase, ms) => (phases[phase] = (phases[phase] ?? 0) + ms),
  sandboxCustomerId: "Cust99999",
  serviceMailboxAddress: "support@bench-sandbox.example",
});
process.stdout.write(
  `${JSON.stringify({
    ms: performance.now() - started,
    rows: report.tables.reduce((sum, t) => sum + t.rows, 0),
    bytes: report.tables.reduce((sum, t) => sum + t.bytes, 0),
    // maxRSS is in KiB: the process's peak resident set over its whole life.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    phases,
  })}\n`,
);
