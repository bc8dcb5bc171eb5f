/**
 * Moments in the reader's own time: a browser in Oslo reads when people last signed in
 * in CET (CEST in summer), from the first page after signing in; its zone reaches the
 * server in a cookie, and a zone the server does not know is not taken (UTC stays).
 */
import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

const ADMIN = "admin@fjordline.example";
const MOMENT = (zone: string) => new RegExp(`^\\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} ${zone}$`);

test.describe("a browser in Oslo", () => {
  test.use({ timezoneId: "Europe/Oslo" });

  test("reads moments in its own time", async ({ page, context }) => {
    await signIn(page, ADMIN);
    expect((await context.cookies()).find((c) => c.name === "tz")?.value).toBe("Europe/Oslo");
    await page.goto("/people");
    const row = page.getByTestId("person-row").filter({ hasText: ADMIN });
    await expect(row.getByRole("cell").filter({ hasText: MOMENT("CES?T") })).toHaveCount(1);
  });
});

test("a zone the server does not know is not taken: moments stay in UTC", async ({ page, context, baseURL }) => {
  await context.addCookies([{ name: "tz", value: "Mars/Olympus_Mons", url: baseURL! }]);
  await signIn(page, ADMIN);
  await page.goto("/people");
  const row = page.getByTestId("person-row").filter({ hasText: ADMIN });
  await expect(row.getByRole("cell").filter({ hasText: MOMENT("UTC") })).toHaveCount(1);
});
