/**
 * How far a run is and how long it may still take. Pure and isomorphic: the
 * progress route computes it on the server, the page's clock recomputes the
 * elapsed time in the browser between polls.
 */
import type { ProgressStep } from "../sanitizer/progress";

/** 0..1. Counted steps (rows, bytes, checks) move smoothly; others count whole when done or skipped. */
export function progressFraction(steps: readonly ProgressStep[]): number {
  if (steps.length === 0) return 0;
  let sum = 0;
  for (const step of steps) {
    if (step.state === "done" || step.state === "skipped") sum += 1;
    else if (step.state === "running") {
      sum += step.total && step.total > 0 && step.done !== undefined ? Math.min(1, step.done / step.total) * 0.95 : 0.1;
    }
  }
  return Math.min(1, sum / steps.length);
}

/** The typical duration of past runs: the median, robust against one odd run. */
export function typicalDurationMs(pastDurationsMs: readonly number[]): number | null {
  const valid = pastDurationsMs.filter((d) => Number.isFinite(d) && d > 0).sort((a, b) => a - b);
  if (valid.length === 0) return null;
  const mid = Math.floor(valid.length / 2);
  return valid.length % 2 ? valid[mid]! : (valid[mid - 1]! + valid[mid]!) / 2;
}

/**
 * Remaining time in ms, or null while there is nothing to go on. Early on the
 * past runs say more; as the run advances its own pace takes over.
 */
export function estimateRemainingMs(input: { fraction: number; elapsedMs: number; typicalMs: number | null }): number | null {
  const { fraction, elapsedMs, typicalMs } = input;
  if (fraction >= 1) return 0;
  const fromPace = fraction >= 0.05 && elapsedMs > 0 ? (elapsedMs * (1 - fraction)) / fraction : null;
  const fromHistory = typicalMs !== null ? Math.max(0, typicalMs - elapsedMs) : null;
  if (fromPace === null) return fromHistory;
  if (fromHistory === null) return fromPace;
  return Math.round(fraction * fromPace + (1 - fraction) * fromHistory);
}

/** "1 h 5 min", "3 min 20 s", "12 s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s} s`;
  return `${s} s`;
}
