/**
 * Outgoing e-mail: through SMTP when SMTP_URL is set; otherwise each message
 * is written as a JSON file to the outbox folder (OUTBOX_DIR), which the
 * development-only page /dev/outbox lists. Nothing is lost either way.
 */
import { randomBytes } from "node:crypto";
import { mkdir, writeFile, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import { outboxDir } from "../config/data-dir";

export interface Mail {
  to: string[];
  subject: string;
  /** Every mail has both bodies (lib/emails): clients that show no HTML show the text. */
  text: string;
  html: string;
}

export interface StoredMail extends Mail {
  id: string;
  from: string;
  sentAt: string;
}

const from = () => process.env.MAIL_FROM?.trim() || "Sandbox Portal <no-reply@sandbox-portal.local>";
export { outboxDir };

/**
 * How long a mail waits on the SMTP server, at most (ms); SMTP_URL's own parameters win.
 * Nodemailer's defaults are 2 minutes to connect and 10 of silence mid-message, and mails
 * are sent from a worker's run slot (a run's notices and access mails, one after another)
 * and from the web server's requests: a mail server that hung held a slot every tenant's
 * runs share for that long, a mail at a time.
 */
export const SMTP_LIMITS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000, dnsTimeout: 5_000 };

export async function sendMail(mail: Mail, limits: Partial<typeof SMTP_LIMITS> = SMTP_LIMITS): Promise<void> {
  if (mail.to.length === 0) return;
  if (process.env.SMTP_URL) {
    const transport = nodemailer.createTransport({ ...SMTP_LIMITS, ...limits, url: process.env.SMTP_URL });
    await transport.sendMail({ from: from(), to: mail.to.join(", "), subject: mail.subject, text: mail.text, html: mail.html });
    return;
  }
  const stored: StoredMail = { ...mail, id: `${Date.now()}-${randomBytes(4).toString("hex")}`, from: from(), sentAt: new Date().toISOString() };
  // The portal's own user only, as .data/secrets.json: a mail may hold a link that sets a
  // password (a reset's, an invitation's), and the umask's 0644 let every user of the machine read it.
  await mkdir(outboxDir(), { recursive: true, mode: 0o700 });
  await writeFile(/*turbopackIgnore: true*/ path.join(outboxDir(), `${stored.id}.json`), JSON.stringify(stored, null, 2), { mode: 0o600 });
}

/** The outbox's messages, newest first: this process's, or another's folder (`dir`: a browser test reads its server's). */
export async function listOutbox(limit = 100, dir = outboxDir()): Promise<StoredMail[]> {
  let files: string[];
  try {
    files = (await readdir(/*turbopackIgnore: true*/ dir)).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  files.sort().reverse();
  return Promise.all(files.slice(0, limit).map(async (f) => JSON.parse(await readFile(/*turbopackIgnore: true*/ path.join(dir, f), "utf8")) as StoredMail));
}
