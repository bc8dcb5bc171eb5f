/**
 * An event's details as lines people can read ("to.planCounts.sales-premium: 3"),
 * not raw JSON: nested objects and lists become dotted keys, so no line is wider
 * than its value. Pure and isomorphic.
 */

export interface DetailLine {
  key: string;
  value: string;
}

/** Internal names (a sandbox's database) mean nothing to readers: left out. */
const HIDDEN = new Set(["database"]);

export function auditDetailLines(details: unknown): DetailLine[] {
  const lines: DetailLine[] = [];
  const walk = (value: unknown, key: string) => {
    if (value !== null && typeof value === "object") {
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i + 1), v] as const) : Object.entries(value);
      if (entries.length === 0) lines.push({ key, value: "none" });
      for (const [k, v] of entries) walk(v, key ? `${key}.${k}` : k);
      return;
    }
    lines.push({ key, value: value === null || value === undefined ? "—" : String(value) });
  };
  if (details !== null && typeof details === "object" && !Array.isArray(details)) {
    for (const [k, v] of Object.entries(details)) if (!HIDDEN.has(k)) walk(v, k);
  } else if (details !== null && details !== undefined) {
    walk(details, "value");
  }
  return lines;
}
