/**
 * Failures a plain retry would repeat (unknown schema in production, a classification
 * that does not apply): such a run is retried only after production is checked again
 * (drift-recheck.ts). Plain data, so the sandbox page can say so without loading the sanitizer.
 */
export const FAILURES_NEEDING_A_MATCH: ReadonlySet<string> = new Set(["DRIFT", "INVALID_CLASSIFICATION"]);
