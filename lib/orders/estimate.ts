/**
 * How long a copy is expected to take. Isomorphic and pure, so the order form and
 * the wizard's data step recompute it in the browser as choices change.
 *
 * A copy streams the chosen rows, sanitizes them, builds indexes and verifies the
 * result: roughly linear in the bytes moved, plus a fixed cost. The rate comes from
 * the tenant's own past runs when there are any (their bytes moved over wall time),
 * else from the fleet's, else from a conservative default.
 */
export const DEFAULT_BYTES_PER_SECOND = 25 * 1024 * 1024;
export const FIXED_SECONDS = 20;

export interface ProductionFootprint {
  /** pg_database_size of production. */
  databaseBytes: number;
  /** Total size of the `document` table (not copied by default). */
  documentBytes: number;
  /** Total size of the `ticket_attachment` table (not copied by default). */
  attachmentBytes: number;
}

export interface Throughput {
  bytesPerSecond: number;
  /** Where the rate comes from, said in words to the user. */
  basis: "tenant-runs" | "fleet-runs" | "default";
  runs: number;
}

/** Bytes a default copy moves: everything but documents and attachments. */
export function baseCopyBytes(footprint: ProductionFootprint): number {
  return Math.max(0, footprint.databaseBytes - footprint.documentBytes - footprint.attachmentBytes);
}

export function estimateSeconds(bytes: number, throughput: Pick<Throughput, "bytesPerSecond">): number {
  return Math.round(FIXED_SECONDS + bytes / Math.max(1, throughput.bytesPerSecond));
}

/** Extra seconds that `bytes` more data adds. */
export function extraSeconds(bytes: number, throughput: Pick<Throughput, "bytesPerSecond">): number {
  return Math.round(bytes / Math.max(1, throughput.bytesPerSecond));
}

/** Median rate of past runs: bytes moved over wall-clock seconds. */
export function throughputFromRuns(runs: { bytes: number; seconds: number }[]): number | null {
  const rates = runs.filter((r) => r.bytes > 0 && r.seconds > 0).map((r) => r.bytes / r.seconds).sort((a, b) => a - b);
  if (rates.length === 0) return null;
  const mid = Math.floor(rates.length / 2);
  return rates.length % 2 ? rates[mid]! : (rates[mid - 1]! + rates[mid]!) / 2;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return "under a minute";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} h${rest ? ` ${rest} min` : ""}`;
}

export const THROUGHPUT_BASIS_TEXT: Record<Throughput["basis"], string> = {
  "tenant-runs": "based on your past copies",
  "fleet-runs": "based on recent copies for other customers",
  default: "a first estimate; later copies are estimated from your own runs",
};
