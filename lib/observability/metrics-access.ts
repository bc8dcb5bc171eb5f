/**
 * Who may read /api/metrics: whoever presents METRICS_TOKEN as a bearer token.
 * With no token configured the endpoint is closed (403), never open; a missing
 * or wrong token is 401. Compared in constant time.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export type MetricsAccess = "granted" | "unauthorized" | "disabled";

const digest = (value: string) => createHash("sha256").update(value).digest();

export function metricsAccess(authorization: string | null, configuredToken: string | undefined): MetricsAccess {
  if (!configuredToken) return "disabled";
  const presented = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (!presented) return "unauthorized";
  return timingSafeEqual(digest(presented), digest(configuredToken)) ? "granted" : "unauthorized";
}
