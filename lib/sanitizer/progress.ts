/**
 * Live progress of a run. The engine owns the step list; callers get the whole
 * snapshot every time (never deltas), so a UI or a portal-database row can simply
 * store the latest one. Emission is throttled: the copy must never wait on a UI.
 */
/** "stopped": under way when its run was stopped at someone's word (cancelled, not failed). */
export type StepState = "pending" | "running" | "done" | "failed" | "skipped" | "stopped";

export interface ProgressStep {
  key: string;
  label: string;
  state: StepState;
  done?: number;
  total?: number;
  unit?: "rows" | "bytes" | "checks";
  detail?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface RunProgress {
  steps: ProgressStep[];
}

export type ProgressListener = (progress: RunProgress) => void | Promise<void>;

const MIN_INTERVAL_MS = 500;

/**
 * Holds the step list and emits at most every 500 ms (a trailing emit makes sure the
 * last change is always seen). A listener that throws is logged through `onError`
 * and otherwise ignored: a broken progress bar must not fail a copy.
 */
export class ProgressTracker {
  private readonly steps: ProgressStep[] = [];
  private lastEmit = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly listener?: ProgressListener,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  add(step: Omit<ProgressStep, "state">): void {
    this.steps.push({ ...step, state: "pending" });
  }

  /** Steps known only once the schema is read (one per table) go after `key`. */
  insertAfter(key: string, steps: Omit<ProgressStep, "state">[]): void {
    const at = this.steps.findIndex((s) => s.key === key);
    this.steps.splice(at + 1, 0, ...steps.map((s): ProgressStep => ({ ...s, state: "pending" })));
  }

  start(key: string, patch: Partial<ProgressStep> = {}): void {
    this.update(key, { ...patch, state: "running", startedAt: new Date().toISOString() });
  }

  finish(key: string, patch: Partial<ProgressStep> = {}): void {
    this.update(key, { ...patch, state: "done", finishedAt: new Date().toISOString() });
  }

  skip(key: string, detail?: string): void {
    this.update(key, { state: "skipped", detail });
  }

  /** Marks the running steps failed, or stopped when the run was stopped at someone's word (the others stay pending), and emits at once. */
  async fail(detail: string, state: "failed" | "stopped" = "failed"): Promise<void> {
    for (const step of this.steps) {
      if (step.state === "running") Object.assign(step, { state, detail, finishedAt: new Date().toISOString() });
    }
    await this.flush();
  }

  update(key: string, patch: Partial<ProgressStep>): void {
    const step = this.steps.find((s) => s.key === key);
    if (!step) throw new Error(`unknown progress step ${key}`);
    Object.assign(step, patch);
    this.schedule();
  }

  snapshot(): RunProgress {
    return { steps: this.steps.map((s) => ({ ...s })) };
  }

  /** Emits the current state now and waits for the listener. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.emit();
    await this.inFlight;
  }

  private schedule(): void {
    if (!this.listener || this.timer) return;
    const wait = Math.max(0, this.lastEmit + MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.emit();
    }, wait);
    // A pending progress emit must not keep a CLI alive after the run.
    this.timer.unref();
  }

  private emit(): void {
    const listener = this.listener;
    if (!listener) return;
    this.lastEmit = Date.now();
    const progress = this.snapshot();
    // Chained so listeners see snapshots in order even when one is slow.
    this.inFlight = this.inFlight.then(async () => {
      try {
        await listener(progress);
      } catch (error) {
        this.onError(error);
      }
    });
  }
}
