/**
 * A mail the mail server would not take is sent again later, from the job queue: a notice
 * was lost with the mail server's trouble, only logged.
 */
import { createElement } from "react";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { freePort } from "../testing/free-port";
import { makeTempDir } from "../testing/temp-dir";

usePortalDatabase();

const { db } = await import("../db/portal");
const { getBoss, stopBoss, MAIL_RETRY_QUEUE, MAIL_RETRY_LIMIT } = await import("../jobs/queue");
const { sendMailOrLater, retryMail } = await import("./mail-retry");
const { notifyUsers } = await import("./notify");
const { listOutbox } = await import("./mailer");

const MAIL = { to: ["kari@customer.example"], subject: "Sandbox \"UAT\" is ready", text: "Ready.", html: "<p>Ready.</p>" };
const queued = () => db.$queryRaw<{ data: { mail: typeof MAIL }; retry_limit: number; retry_backoff: boolean }[]>`
  SELECT data, retry_limit, retry_backoff FROM pgboss.job WHERE name = ${MAIL_RETRY_QUEUE} ORDER BY created_on`;

beforeAll(async () => {
  process.env.OUTBOX_DIR = await makeTempDir("mail-retry-outbox-");
  await getBoss();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await stopBoss();
});

describe("a mail the mail server would not take", () => {
  it("is queued with its back-off, then sent by a later try; a try that fails again throws, for the queue to try once more", async () => {
    // Nothing listens there: the mail server is down.
    vi.stubEnv("SMTP_URL", `smtp://127.0.0.1:${await freePort()}`);
    expect(await sendMailOrLater(MAIL)).toBe("later");
    const [job] = await queued();
    expect(job).toMatchObject({ data: { mail: MAIL }, retry_limit: MAIL_RETRY_LIMIT, retry_backoff: true });
    await expect(retryMail(job!.data, 1)).rejects.toThrow();

    // The mail server is back (here: none configured, so the outbox takes it).
    vi.unstubAllEnvs();
    await retryMail(job!.data, 2);
    expect((await listOutbox()).filter((m) => m.subject === MAIL.subject)).toHaveLength(1);
  });

  it("a person's notice is among those kept for later, not only logged", async () => {
    await db.$executeRaw`DELETE FROM pgboss.job WHERE name = ${MAIL_RETRY_QUEUE}`;
    const user = await db.user.create({ data: { email: "ola@customer.example", name: "Ola", role: "OPERATOR", passwordHash: "-" }, select: { id: true } });
    vi.stubEnv("SMTP_URL", `smtp://127.0.0.1:${await freePort()}`);
    await notifyUsers([user.id], { subject: "A sandbox failed", mail: createElement("p", null, "A sandbox failed."), always: true });
    expect((await queued()).map((j) => j.data.mail.to)).toEqual([["ola@customer.example"]]);
  });
});
