/**
 * When a sandbox's regular refresh runs. The worker looks for due refreshes every hour
 * (lib/worker/auto-refresh.ts); a day's refreshes start from its 02:15 UTC pass, and only
 * those whose people were told the day before (by the day before's passes, the last at
 * 23:15). A day chosen too late for that notice waits for the next month: a refresh replaces
 * what was changed in the sandbox, and nobody should find that out afterwards.
 * Pure, for the worker, the action's answer and the page alike.
 */

/** The minute past each hour the refreshes are looked for, and the hour of the day's first start. */
export const REGULAR_REFRESH_PASS = { hour: 2, minute: 15 } as const;
/** The day before's last pass (23:15), which can still tell of it, runs this long before the day's first start (02:15). */
const LAST_NOTICE_BEFORE_MS = (24 - 23 + REGULAR_REFRESH_PASS.hour) * 3_600_000;

/** When the regular refreshes of the UTC day that starts at `dayStart` start: that day's first pass. */
export function regularRefreshStart(dayStart: Date): Date {
  return new Date(dayStart.getTime() + (REGULAR_REFRESH_PASS.hour * 60 + REGULAR_REFRESH_PASS.minute) * 60_000);
}

/** When the regular refresh on `day` (1–28) next starts, as of `now`: this month's, if its notice can still be given, else next month's. */
export function nextRegularRefresh(day: number, now = new Date()): Date {
  const at = (monthsAhead: number) => regularRefreshStart(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + monthsAhead, day)));
  const thisMonth = at(0);
  return now.getTime() < thisMonth.getTime() - LAST_NOTICE_BEFORE_MS ? thisMonth : at(1);
}
