import { describe, expect, it } from "vitest";
import { metrics } from "./metrics";
import { countWorkerEvent } from "./worker-counts";

describe("what a worker counts", () => {
  it("is counted in the process's own metrics when no web app started it", async () => {
    const { registry } = metrics();
    countWorkerEvent({ type: "run-finished", run: { kind: "REFRESH", succeeded: true, copy: { seconds: 12, rows: 1_000, bytes: 2_048 } } });
    countWorkerEvent({ type: "run-finished", run: { kind: "DELETE", succeeded: false } });
    countWorkerEvent({ type: "webhook-attempt", outcome: "retrying" });
    const text = await registry.metrics();
    expect(text).toMatch(/^sandbox_portal_runs_finished_total\{kind="REFRESH",outcome="succeeded"\} 1$/m);
    expect(text).toMatch(/^sandbox_portal_runs_finished_total\{kind="DELETE",outcome="failed"\} 1$/m);
    expect(text).toMatch(/^sandbox_portal_copy_duration_seconds_sum\{kind="REFRESH"\} 12$/m);
    expect(text).toMatch(/^sandbox_portal_rows_copied_total 1000$/m);
    expect(text).toMatch(/^sandbox_portal_bytes_copied_total 2048$/m);
    expect(text).toMatch(/^sandbox_portal_webhook_attempts_total\{outcome="retrying"\} 1$/m);
  });
});
