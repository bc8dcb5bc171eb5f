/**
 * Takes the README's screenshots through the real UI of a running portal with
 * the demo data, on this machine (the "ready" e-mail is read from its outbox
 * folder). Production mode, since `npm run dev` draws Next.js's own indicator
 * over the pages:
 *
 *   npm run build && SEED_DEMO_DATA=true npm start
 *   npm run screenshots -- http://127.0.0.1:3000
 *
 * Meant for a fresh demo database: it orders and sets up the sandbox "Spring
 * training" as the Nordlys admin (a second run is refused: the name is taken),
 * and gives Fjordline an agreement of 3 sandboxes. Writes public/screenshots/*.png.
 */
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET } from "./demo-accounts";
import { timeStepOf, totpCode } from "../lib/auth/totp";
import { listOutbox, outboxDir } from "../lib/notifications/mailer";

const baseUrl = (process.argv[2] ?? process.env.NEXTAUTH_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");
const outDir = path.resolve("public/screenshots");
const name = "Spring training";

async function signIn(page: Page, email: string, staff = false): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (staff) {
    await page.getByLabel("Authentication code").fill(await totpCode(DEMO_STAFF_TOTP_SECRET, timeStepOf(Date.now() / 1000) * 30 + 1));
    await page.getByRole("button", { name: "Sign in" }).click();
  }
  await page.getByTestId("who-am-i").waitFor();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.waitForURL(/\/sign-in/);
}

const shot = (page: Page, file: string) => page.screenshot({ path: path.join(outDir, file) });

/** The newest mail in the outbox whose subject has `words`, as its reader's mail client would show it. */
async function newestMail(words: string): Promise<string> {
  const mail = (await listOutbox(Infinity)).find((m) => m.subject.includes(words));
  if (mail) return mail.html;
  throw new Error(`no mail about "${words}" in ${outboxDir()}: is the portal running here without SMTP_URL?`);
}

/** The People page as a customer admin sees it after inviting a colleague, who has not joined yet. */
async function takePeople(page: Page): Promise<void> {
  await page.goto(`${baseUrl}/people`);
  const invite = page.getByRole("form", { name: "Invite a person" });
  await invite.getByLabel("Name").fill("Kari Nordmann");
  await invite.getByLabel("E-mail").fill("kari.nordmann@nordlys.example");
  await invite.getByRole("button", { name: "Send the invitation" }).click();
  await page.getByText("Invited: has not set a password yet").waitFor();
  await page.screenshot({ path: path.join(outDir, "people.png"), fullPage: true });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });

  await signIn(page, "admin@nordlys.example");
  await page.goto(`${baseUrl}/sandboxes/new`);
  await page.getByLabel("Sandbox name").fill(name);
  await page.getByLabel("Sales Premium").fill("2");
  await page.getByLabel("Note (optional)").fill("Spring training for the new sales team");
  await page.getByText("Estimated duration").first().waitFor();
  await page.screenshot({ path: path.join(outDir, "order.png"), fullPage: true });
  await page.getByLabel(/dead end/).check();
  await page.getByLabel(/not a backup/).check();
  await page.getByRole("button", { name: "Order and continue to setup" }).click();
  await page.waitForURL(/\/setup$/);
  for (let step = 2; step <= 6; step++) {
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await page.getByRole("heading", { name: new RegExp(`^Step ${step} of`) }).waitFor();
    if (step === 4) {
      // The data step as a customer weighing pseudonymisation sees it; the demo sandbox keeps people as they are.
      await page.getByLabel(/^Pseudonymise/).check();
      await page.getByTestId("data-estimate").waitFor();
      await page.screenshot({ path: path.join(outDir, "wizard-data.png"), fullPage: true });
      await page.getByLabel(/^Keep as in production/).check();
    }
  }
  await page.getByText("Dry run figures").first().waitFor();
  // Moving to a step focuses its heading, which may scroll the page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, "wizard-review.png");
  await page.getByLabel(/there is no going back/).check();
  await page.getByRole("button", { name: "Confirm and start the copy" }).click();
  await page.getByRole("heading", { name: "Sanitization report" }).waitFor({ timeout: 300_000 });
  await page.getByRole("heading", { name: "Best-practices checklist" }).waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  // Tall enough for the refresh and the checklist.
  await page.screenshot({ path: path.join(outDir, "sandbox-page.png"), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1500 } });
  // Every rule with its checks, folded on the page while all passed.
  await page.getByText(/^Every rule: what it changed and how it was checked/).click();
  await page.locator("section", { has: page.getByRole("heading", { name: "Sanitization report" }) }).first().screenshot({ path: path.join(outDir, "sanitization-report.png") });

  await page.setContent(await newestMail(`"${name}" is ready`));
  await shot(page, "mail-ready.png");
  await page.goto(`${baseUrl}/sandboxes`);
  await shot(page, "sandboxes.png");
  // On a phone: the list as cards, its filters folded.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await shot(page, "sandboxes-phone.png");
  await page.setViewportSize({ width: 1280, height: 860 });
  await takePeople(page);
  await signOut(page);

  await signIn(page, "sales@sandbox-portal.example", true);
  await page.goto(`${baseUrl}/tenants/Cust10002/agreement`);
  await page.getByLabel("Sandboxes at once").fill("3");
  await page.getByLabel("Limit the user plans").check();
  await page.getByLabel("Sales Premium").fill("10");
  await page.getByLabel("Complete").fill("2");
  await page.getByRole("button", { name: "Save the agreement" }).click();
  await page.getByTestId("entitlements-status").waitFor();
  await page.screenshot({ path: path.join(outDir, "agreement.png"), fullPage: true });
  await signOut(page);

  await signIn(page, "operator@sandbox-portal.example", true);
  await page.goto(`${baseUrl}/operations`);
  await shot(page, "operations.png");
  console.log(`screenshots written to ${outDir}`);
} finally {
  await browser.close();
}
