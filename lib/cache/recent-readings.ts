/**
 * A reading that is slow or costly for someone else (a tenant's production, a
 * sandbox server) and shown on busy pages: reused for `ttlMs`, and callers that
 * arrive while it is being read wait for that same reading, so the source sees one
 * reading per key per `ttlMs` however busy the page is. Failures are not kept: the
 * next caller asks again. Bounded: the oldest key makes way when `maxKeys` are kept.
 * Per process.
 */
export interface RecentReadings<T> {
  read(key: string, reading: () => Promise<T>): Promise<T>;
}

export function recentReadings<T>({ ttlMs, maxKeys }: { ttlMs: number; maxKeys: number }): RecentReadings<T> {
  const kept = new Map<string, { readAt: number; reading: Promise<T> }>();
  return {
    read(key, read) {
      const now = Date.now();
      const recent = kept.get(key);
      if (recent && now - recent.readAt < ttlMs) return recent.reading;
      kept.delete(key);
      if (kept.size >= maxKeys) kept.delete(kept.keys().next().value!);
      const reading = read();
      kept.set(key, { readAt: now, reading });
      reading.catch(() => {
        if (kept.get(key)?.reading === reading) kept.delete(key);
      });
      return reading;
    },
  };
}
