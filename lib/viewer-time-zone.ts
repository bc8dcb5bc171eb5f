/** The zone this request's reader writes moments in: their browser's, once it has said (lib/time-zone.ts); UTC till then. */
import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { DEFAULT_TIME_ZONE, whenIn, type WhenFormatter } from "./format";
import { knownTimeZone, TIME_ZONE_COOKIE } from "./time-zone";

export const viewerTimeZone = cache(async (): Promise<string> => knownTimeZone((await cookies()).get(TIME_ZONE_COOKIE)?.value) ?? DEFAULT_TIME_ZONE);

/** formatWhen in the reader's zone. */
export async function viewerWhen(): Promise<WhenFormatter> {
  return whenIn(await viewerTimeZone());
}
