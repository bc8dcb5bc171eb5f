/**
 * Runs provisionSandbox in its own process, so the benchmark measures the peak RSS of
 * exactly what a worker does. Input: one JSON argument; output: one JSON line, or
 * `{"refused": reason}` and a non-zero exit when the portal refuses the copy.
 *
 * `runs` > 1 copies again in the same process, as a running worker does: the first
 * run of a process also pays for loading code (the Prisma query engine, first
 * queries), the later ones show what each further run costs. Each run's phases are
 * kept; `ms` and `phases` are the first run's.
 */
import { SanitizationError } from "../../lib/sanitizer/errors";
import { databaseSize } from "../../lib/sanitizer/drop";
import { provisionSandbox } from "../../lib/sanitizer/provision";
import type { SandboxOptionsInput } from "../../lib/sanitizer/options";
import type { SanitizationReport } from "../../lib/sanitizer/report";

interface ChildInput {
  productionUrl: string;
  sandboxServerUrl: string;
  databaseName: string;
  options: SandboxOptionsInput;
  runs?: number;
  /** Rule 18: keys the pseudonyms when the options pseudonymise. */
  pseudonymSecret?: string;
}

const input = JSON.parse(process.argv[2] ?? "{}") as ChildInput;
const runs: { ms: number; phases: Record<string, number>; report: SanitizationReport; expectedBytes: number; sizeBytes: number | null }[] = [];
for (let i = 0; i < (input.runs ?? 1); i++) {
  const started = performance.now();
  // Phase → ms, summed when a phase repeats.
  const phases: Record<string, number> = {};
  const databaseName = i === 0 ? input.databaseName : `${input.databaseName}_${i}`;
  // The room a worker would reserve on the sandbox server, to set beside the copy's measured size.
  let expectedBytes = 0;
  const report = await provisionSandbox({
    ...input,
    databaseName,
    reserveRoom: async (bytes) => {
      expectedBytes = bytes;
      return "reserved";
    },
    onPhase: (phase, ms) => { phases[phase] = (phases[phase] ?? 0) + ms; const now = performance.now() - started; process.stderr.write(`run${i} ${phase.padEnd(34)} ${(now - ms).toFixed(0).padStart(6)} → ${now.toFixed(0).padStart(6)}\n`); },
    sandboxCustomerId: "Cust99999",
    serviceMailboxAddress: "support@bench-sandbox.example",
  }).catch((error: unknown) => {
    // A copy the portal refuses (a production too large to pseudonymise in one run) is
    // a finding for the bench to print, not a crash: its reason, as a customer reads it.
    if (!(error instanceof SanitizationError) || error.technical) throw error;
    process.stdout.write(`${JSON.stringify({ refused: error.message })}\n`);
    process.exit(1);
  });
  const ms = performance.now() - started;
  runs.push({ ms, phases, report, expectedBytes, sizeBytes: await databaseSize(input.sandboxServerUrl, databaseName) });
}
const [first] = runs;
const later = runs.slice(1).map((r) => r.ms).sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    ms: first!.ms,
    // The median of the runs after the first: a running worker's cost per run.
    laterMs: later.length ? later[Math.floor(later.length / 2)] : null,
    rows: first!.report.tables.reduce((sum, t) => sum + t.rows, 0),
    bytes: first!.report.tables.reduce((sum, t) => sum + t.bytes, 0),
    // maxRSS is in KiB: the process's peak resident set over its whole life.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    expectedBytes: first!.expectedBytes,
    sizeBytes: first!.sizeBytes,
    // The worker's CPU time over its whole life, all runs (µs → ms).
    cpuMs: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1000,
    phases: first!.phases,
    laterPhases: runs.at(-1)!.phases,
  })}\n`,
);
