/**
 * How long a copy is expected to take, before it starts and while it runs.
 * Isomorphic and pure: the order form and the wizard's data step recompute it in
 * the browser as choices change; the progress route computes a run's ETA on the
 * server, and the page's clock recomputes the elapsed time between polls.
 *
 * A copy streams the chosen rows, sanitizes them, builds indexes and verifies the
 * result: roughly linear in the bytes moved, plus a fixed cost. The rate comes from
 * the tenant's own past runs when there are any (their bytes moved over wall time),
 * else from the fleet's, else from a conservative default. A pseudonymised copy takes
 * a multiple of that: the multiple the tenant's own pseudonymised copies took, else a
 * measured one.
 */
import type { ProgressStep } from "../sanitizer/progress";
import type { ProductionFootprint } from "../tenants/production";
import { partialShareOf, type PersonalDataChoice, type SandboxKind } from "../sanitizer/options";

export type { ProductionFootprint };

export const DEFAULT_BYTES_PER_SECOND = 25 * 1024 * 1024;
/**
 * What a copy costs beyond its bytes: snapshot, schema, indexes, rules, verification.
 * A configuration-only copy of the medium production (kilobytes) takes 2–3 s on a
 * loaded two-core machine (`npm run bench`); a remote production adds round trips.
 */
export const FIXED_SECONDS = 5;

export interface Throughput {
  bytesPerSecond: number;
  /** Where the rate comes from, said in words to the user. */
  basis: "tenant-runs" | "fleet-runs" | "default";
  runs: number;
  /**
   * How many times as long a pseudonymised copy takes, learned from the tenant's own
   * pseudonymised copies (pseudonymisedFactorFromRuns); absent, PSEUDONYMISED_TIME_FACTOR.
   */
  pseudonymisedFactor?: number;
  /** The copy rate the tenant's copies are held to, MB/s, when it is below what past copies moved: the rate is this one. */
  heldToMBps?: number;
}

/**
 * The rate as the tenant's copy-rate cap (MB/s as the copy's throttle counts them, 0:
 * none) lets a copy read production: past copies made before an operator set the cap,
 * or other customers' copies, moved faster than this tenant's next one may.
 */
export function heldToCopyRate(throughput: Throughput, capMBps: number): Throughput {
  const cap = capMBps * 1024 * 1024;
  if (!(capMBps > 0) || throughput.bytesPerSecond <= cap) return throughput;
  return { ...throughput, bytesPerSecond: cap, heldToMBps: capMBps };
}

/**
 * Bytes a default copy of the kind moves: everything but documents and attachments,
 * the configuration alone, or the configuration and `share` (0–1) of the records.
 */
export function baseCopyBytes(footprint: ProductionFootprint, kind: SandboxKind = "full", share = 1): number {
  if (kind === "config") return footprint.configurationBytes;
  const all = Math.max(0, footprint.databaseBytes - footprint.documentBytes - footprint.attachmentBytes);
  if (kind === "full") return all;
  return Math.round(Math.min(all, footprint.configurationBytes + Math.max(0, all - footprint.configurationBytes) * share));
}

/**
 * Bytes that documents or attachments weighing `bytes` in production add to a copy of the
 * kind: a partial copy's `share` (0–1) of them, as of its records (the chosen companies'
 * files come with them, not every company's); none to a configuration-only copy, nor to a
 * pseudonymised one (rule 18: their rows without their contents).
 */
export function filesCopyBytes(bytes: number, kind: SandboxKind, personalData: PersonalDataChoice, share = 1): number {
  if (kind === "config" || personalData === "pseudonymise") return 0;
  return kind === "partial" ? Math.round(bytes * Math.min(1, Math.max(0, share))) : bytes;
}

/**
 * How many times as long a pseudonymised copy takes as the same copy with people kept
 * (rule 18: every personal value rewritten, free text scrubbed of names, and the copy
 * searched for every production value before use): 3.1–3.9 on the medium production
 * (`npm run bench`, s/c). Its fixed costs grow too (production's values are read first).
 */
export const PSEUDONYMISED_TIME_FACTOR = 3.5;

/** The factor a pseudonymised copy's estimate takes with `throughput`: the tenant's learned one, else the measured one. */
const pseudonymisedFactorOf = (throughput: Pick<Throughput, "pseudonymisedFactor">): number => throughput.pseudonymisedFactor ?? PSEUDONYMISED_TIME_FACTOR;

/** Why a pseudonymised copy's estimate is longer, in words: as the tenant's own copies showed, or in general. */
export function pseudonymisingTakes(throughput: Pick<Throughput, "pseudonymisedFactor">): string {
  const factor = throughput.pseudonymisedFactor;
  if (factor === undefined) return "pseudonymising people takes several times as long as keeping them";
  const rounded = Math.round(factor * 10) / 10;
  return rounded <= 1 ? "your pseudonymised copies took about as long as copies that kept people" : `your pseudonymised copies took about ${rounded} times as long as copies that kept people`;
}

/** Seconds a copy that keeps people takes to move `bytes` at `bytesPerSecond`, fixed costs included. */
const plainSeconds = (bytes: number, bytesPerSecond: number) => FIXED_SECONDS + bytes / Math.max(1, bytesPerSecond);

export function estimateSeconds(bytes: number, throughput: Pick<Throughput, "bytesPerSecond" | "pseudonymisedFactor">, personalData: PersonalDataChoice = "keep"): number {
  return Math.round(plainSeconds(bytes, throughput.bytesPerSecond) * (personalData === "pseudonymise" ? pseudonymisedFactorOf(throughput) : 1));
}

/** Extra seconds that `bytes` more data adds (to a copy that keeps people: a pseudonymised one leaves files' contents out). */
export function extraSeconds(bytes: number, throughput: Pick<Throughput, "bytesPerSecond">): number {
  return Math.round(bytes / Math.max(1, throughput.bytesPerSecond));
}

/** The median: robust against one odd run. Null for no valid (finite, positive) value. */
function median(values: readonly number[]): number | null {
  const valid = values.filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  if (valid.length === 0) return null;
  const mid = Math.floor(valid.length / 2);
  return valid.length % 2 ? valid[mid]! : (valid[mid - 1]! + valid[mid]!) / 2;
}

/**
 * A copy that moved less says more about the fixed cost than about a rate: a
 * configuration-only copy moves kilobytes in seconds, and taken as a rate it made the
 * next full copy's estimate hours long.
 */
export const MIN_RATE_BYTES = 32 * 1024 * 1024;

/** A past copy, as the rate reads it: what it moved, how long it took, and whether it pseudonymised. */
export interface PastCopy {
  bytes: number;
  seconds: number;
  personalData: PersonalDataChoice;
}

/** Whether a past copy moved enough, in a time at all, to tell how long copies take. */
const tellsTime = (run: PastCopy) => run.bytes >= MIN_RATE_BYTES && run.seconds > 0;

/**
 * Whether a past copy tells the rate: one that tells a time and kept people as they are
 * (a pseudonymised copy's time is PSEUDONYMISED_TIME_FACTOR plain ones, and would slow
 * every estimate after it).
 */
export const tellsRate = (run: PastCopy) => tellsTime(run) && run.personalData === "keep";

/** Median rate of the past copies that tell one: bytes moved over wall-clock seconds. */
export function throughputFromRuns(runs: readonly PastCopy[]): number | null {
  return median(runs.filter(tellsRate).map((r) => r.bytes / r.seconds));
}

/**
 * How many times as long as the plain estimate (at `bytesPerSecond`) the tenant's
 * pseudonymised copies took: the median over those that moved enough bytes to tell,
 * never below 1. Null for none. The constant is a bench's, on a machine that may not be
 * the tenant's workers'; its own copies say what pseudonymising its people costs here.
 */
export function pseudonymisedFactorFromRuns(runs: readonly PastCopy[], bytesPerSecond: number): number | null {
  const factor = median(runs.filter((r) => r.personalData === "pseudonymise" && tellsTime(r)).map((r) => r.seconds / plainSeconds(r.bytes, bytesPerSecond)));
  return factor === null ? null : Math.max(1, factor);
}

/** A stored copy's personal data choice: options saved before the choice existed kept people. */
export const personalDataOf = (options: unknown): PersonalDataChoice =>
  (options as { personalData?: unknown } | null)?.personalData === "pseudonymise" ? "pseudonymise" : "keep";

/**
 * What decides how long a copy takes, as its options say: the kind (and a partial copy's
 * share), the personal data, the documents and the attachments. The time left of a running
 * copy is judged by past copies of the same shape: a configuration-only copy's seconds say
 * nothing of a full copy with documents, nor a 10 % copy's of a 90 % one's.
 */
export function copyShape(options: unknown): string {
  const o = (typeof options === "object" && options !== null ? options : {}) as { kind?: unknown; share?: unknown; documents?: { mode?: unknown }; serviceAttachments?: unknown };
  const kind = o.kind ?? "full";
  const share = kind === "partial" ? (o.share ?? partialShareOf({})) : null;
  return JSON.stringify([kind, share, personalDataOf(options), o.documents?.mode ?? "none", o.serviceAttachments === true]);
}

const THROUGHPUT_BASIS_TEXT: Record<Throughput["basis"], string> = {
  "tenant-runs": "based on your past copies",
  "fleet-runs": "based on recent copies for other customers",
  default: "a first estimate; later copies are estimated from your own runs",
};

/** Where an estimate's rate comes from, in words, with the copy rate it is held to. */
export function throughputBasisText(throughput: Pick<Throughput, "basis" | "heldToMBps">): string {
  const basis = THROUGHPUT_BASIS_TEXT[throughput.basis];
  return throughput.heldToMBps === undefined ? basis : `${basis}, at the copy rate set for your organisation: ${throughput.heldToMBps} MB/s`;
}

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

/** The typical duration of past runs. */
export function typicalDurationMs(pastDurationsMs: readonly number[]): number | null {
  return median(pastDurationsMs);
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
