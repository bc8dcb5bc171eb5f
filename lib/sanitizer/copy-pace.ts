/**
 * Production wins, and a worker's slot is every tenant's. A copy that production feeds at
 * a trickle (a production at its limits, or one slowed on purpose) held production's
 * snapshot, and with it production's VACUUM horizon, and a worker's slot until the run's
 * deadline (up to COPY_DEADLINE_MAX_HOURS), then failed, and was tried again as long.
 *
 * So while the rows stream, the copy's pace is checked: once it has had `graceMs` to get
 * going, a copy whose rows came so slowly over the last `graceMs` that the rest, at that
 * rate, would need more than twice the time left before its deadline stops now (DEADLINE,
 * tried again later) rather than at its deadline. Judged over the last stretch, not since
 * the start: a production that slows to a trickle after a fast start is judged by the
 * trickle. The rest is reckoned from the plan's expected bytes (from production's table
 * sizes, within a small factor of what streams), hence the factor of two; a copy that has
 * read all it expected is never stopped for its pace, nor one that read nothing over the
 * stretch (a statement still working out its first row: production hanging is the
 * watchdog's and the deadline's to end).
 */
import { formatBytes, formatDuration } from "../format";
import { SanitizationError } from "./errors";

export interface PaceBounds {
  /** How long a copy streams before its pace is judged, and the stretch its pace is judged over. */
  graceMs: number;
  /** How often it is judged. */
  everyMs: number;
}

const PACE_BOUNDS: PaceBounds = { graceMs: 120_000, everyMs: 10_000 };

export interface CopyPace {
  /** Aborted, with a DEADLINE SanitizationError as its reason, when the copy would not finish in time. */
  signal: AbortSignal;
  /** Starts judging the pace of a copy that reads `expectedBytes`. */
  start(expectedBytes: number): void;
  /** How many bytes of one table's stream have come so far (each stream reports its own running total). */
  report(stream: string, bytes: number): void;
  /** The DEADLINE error once the copy was stopped for its pace, else undefined. */
  stopped(): SanitizationError | undefined;
  stop(): void;
}

/** The pace of a copy whose run must end by `deadlineAt` (ms since the epoch); none is judged without one. */
export function copyPace(deadlineAt: number | undefined, bounds: PaceBounds = PACE_BOUNDS, now: () => number = Date.now): CopyPace {
  const controller = new AbortController();
  const streamed = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  /** The bytes streamed at each judgement of the last stretch, oldest first; the first is the stretch's start. */
  const samples: { at: number; bytes: number }[] = [];
  const judge = (expectedBytes: number) => {
    const at = now();
    let bytes = 0;
    for (const n of streamed.values()) bytes += n;
    samples.push({ at, bytes });
    while (samples.length > 2 && samples[1]!.at <= at - bounds.graceMs) samples.shift();
    const from = samples[0]!;
    const stretch = at - from.at;
    const rate = (bytes - from.bytes) / stretch;
    if (stretch < bounds.graceMs || bytes >= expectedBytes || !(rate > 0)) return;
    const left = deadlineAt! - at;
    const needed = (expectedBytes - bytes) / rate;
    if (needed <= 2 * left) return;
    controller.abort(
      new SanitizationError(
        "DEADLINE",
        `Production gave the copy its rows at ${formatBytes(rate * 1000)}/s over the last ${formatDuration(stretch)}: at that pace the rest of the ${formatBytes(expectedBytes)} it reads would take about ${formatDuration(needed)} more, past the run's deadline (${formatDuration(Math.max(0, left))} away). The copy stopped now rather than hold production's snapshot until then.`,
      ),
    );
    clearInterval(timer);
  };
  return {
    signal: controller.signal,
    start(expectedBytes) {
      if (deadlineAt === undefined || timer) return;
      samples.push({ at: now(), bytes: 0 });
      timer = setInterval(() => judge(expectedBytes), bounds.everyMs);
      timer.unref();
    },
    report(stream, bytes) {
      streamed.set(stream, bytes);
    },
    stopped() {
      return controller.signal.aborted ? (controller.signal.reason as SanitizationError) : undefined;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
