/**
 * How the portal writes sizes, moments and durations: one home, so every page,
 * e-mail and CLI line says the same thing the same way. Pure and isomorphic.
 */

const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/**
 * "30 Nov 2026, 18:40 UTC". One fixed zone (UTC), so the server's render and the
 * browser's hydration produce the same text. `missing` is what an absent moment reads as.
 */
export function formatWhen(value: Date | string | null | undefined, missing = "—"): string {
  if (!value) return missing;
  return `${dateTime.format(typeof value === "string" ? new Date(value) : value)} UTC`;
}

/** "846.2 MB": binary multiples, as PostgreSQL's sizes are. */
export function formatBytes(bytes: bigint | number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "—";
  let n = Number(bytes);
  const units = ["B", "KB", "MB", "GB", "TB"];
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${n.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** A measured duration, exact to the second: "1 h 5 min", "3 min 20 s", "12 s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s} s`;
  return `${s} s`;
}

/** An estimate, rounded as estimates should be: "under a minute", "about 3 minutes", "about 1 h 15 min". */
export function formatEstimate(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return "under a minute";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} h${rest ? ` ${rest} min` : ""}`;
}
