"use client";

/**
 * Moments in the reader's own time. The server renders in the zone the `tz` cookie names
 * (lib/viewer-time-zone.ts) and hands it down here, so client parts write moments as the
 * server did. The browser says its zone by that cookie: on the first page it reads (the
 * sign-in page, as a rule), or when it has moved to another zone, the cookie is set and the
 * page rendered again, in its time.
 */
import { useRouter } from "next/navigation";
import { createContext, useContext, useEffect, type ReactNode } from "react";
import { DEFAULT_TIME_ZONE, whenIn, type WhenFormatter } from "@/lib/format";
import { knownTimeZone, TIME_ZONE_COOKIE } from "@/lib/time-zone";

const TimeZoneContext = createContext(DEFAULT_TIME_ZONE);

const ONE_YEAR_SECONDS = 365 * 24 * 3600;
/** Once per page load: a browser that keeps no cookies would otherwise render the page again and again. */
let told = false;

export function TimeZoneProvider({ zone, children }: { zone: string; children: ReactNode }) {
  const router = useRouter();
  useEffect(() => {
    const browsers = knownTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
    if (!browsers || browsers === zone || told) return;
    told = true;
    const secure = window.location.protocol === "https:" ? "; Secure" : "";
    // A known zone's name is letters, digits and _+-/ only: nothing a cookie needs encoded.
    document.cookie = `${TIME_ZONE_COOKIE}=${browsers}; Path=/; Max-Age=${ONE_YEAR_SECONDS}; SameSite=Lax${secure}`;
    router.refresh();
  }, [zone, router]);
  return <TimeZoneContext.Provider value={zone}>{children}</TimeZoneContext.Provider>;
}

/** formatWhen in the zone the page was rendered in. */
export function useWhen(): WhenFormatter {
  return whenIn(useContext(TimeZoneContext));
}
