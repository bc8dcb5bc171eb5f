/**
 * What a screen reader is told as a run moves. A copy has one step per table and
 * one per rule, and the page polls every 1.5 s: said step by step, a run of an hour
 * would talk for an hour. It is said by phase (the tables' copies are one phase, the
 * rules another) and at each quarter of the way, and a failure at once.
 */
import type { ProgressStep } from "../sanitizer/progress";

const QUARTER = 25;

function phaseOf(step: ProgressStep): string {
  // Every table's copy counts rows (copy-streams.ts, tableStepKey); the rules' steps are `rule:N` (rule-reports.ts).
  if (step.unit === "rows") return "Copying the data";
  if (step.key.startsWith("rule:")) return "Applying the sanitization rules";
  return step.label;
}

/** The sentence for the run's steps and overall fraction (0–1); "" when nothing is under way. */
export function progressAnnouncement(steps: ProgressStep[], fraction: number): string {
  const ended = steps.find((s) => s.state === "failed" || s.state === "stopped");
  if (ended) return `${phaseOf(ended)}: ${ended.state}`;
  const running = steps.find((s) => s.state === "running");
  if (!running) return "";
  const quarter = Math.floor((Math.min(1, Math.max(0, fraction)) * 100) / QUARTER) * QUARTER;
  return `${phaseOf(running)}: running, ${quarter}% done`;
}
