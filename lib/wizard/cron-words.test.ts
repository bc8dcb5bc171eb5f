import { describe, expect, it } from "vitest";
import { cronToWords } from "./cron-words";

describe("cronToWords", () => {
  it.each([
    ["0 2 * * *", "At 02:00, every day"],
    ["*/15 * * * *", "Every 15 minutes"],
    ["*/30 * * * *", "Every 30 minutes"],
    ["0 5 * * 1-5", "At 05:00, Monday to Friday"],
    ["0 * * * *", "At minute 0 past every hour"],
    ["0 4 1 * *", "At 04:00, on the 1st"],
    ["30 23 * * *", "At 23:30, every day"],
    ["0 6 * * 1", "At 06:00, on Monday"],
    ["0 3 * * 0", "At 03:00, on Sunday"],
    ["0 3 * * 7", "At 03:00, on Sunday"],
    ["0 1 1 * *", "At 01:00, on the 1st"],
    ["15 8,17 * * mon-fri", "At 08:15 and 17:15, Monday to Friday"],
    ["0 0 22 1,7 *", "At 00:00, on the 22nd, in January and July"],
    ["* * * * *", "Every minute"],
    ["0 */2 * * *", "At minute 0 of every 2 hours"],
    ["@daily", "At 00:00, every day"],
    ["@hourly", "At minute 0 past every hour"],
    ["0 9 * * 1,3,5", "At 09:00, on Monday, Wednesday and Friday"],
  ])("%s → %s", (cron, words) => {
    expect(cronToWords(cron)).toBe(words);
  });

  it.each(["", "not a cron", "61 * * * *", "0 25 * * *", "* * * *", "0 0 5-1 * *", "constructor", "toString", "__proto__", "0 0 * constructor *", "0 0 * * __proto__"])("shows %j as it is", (cron) => {
    expect(cronToWords(cron)).toBe(cron);
  });
});
