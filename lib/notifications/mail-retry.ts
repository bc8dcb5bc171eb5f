/**
 * A mail the mail server would not take (down, refusing, silent) is sent again later from
 * the job queue, rather than only logged: a notice, an access mail or the notice of an
 * account's changed sign-in was lost with an hour of the mail server's trouble. Tried again
 * ten times, from a minute apart to hours apart (about 17 hours in all), by any worker; each
 * failure is logged, and one still refused after the last is lost, said so in the log.
 *
 * The mail waits in the queue's table in the portal database meanwhile, so only mails that
 * carry no secret go this way: a password or invitation link has its own retries and a
 * short life (lib/auth/password-reset.ts, lib/people/invite.ts).
 */
import { getBoss, MAIL_RETRY_QUEUE, MAIL_RETRY_LIMIT } from "../jobs/queue";
import { log } from "../observability/log";
import { sendMail, type Mail } from "./mailer";

export interface MailRetryJob {
  mail: Mail;
}

/** Sends `mail`, or queues it to be sent again later; rejects only when it could be neither sent nor queued. */
export async function sendMailOrLater(mail: Mail): Promise<"sent" | "later"> {
  try {
    await sendMail(mail);
    return "sent";
  } catch (error) {
    log.warn({ err: error }, "mail not sent: queued to be sent again later");
    await (await getBoss()).send(MAIL_RETRY_QUEUE, { mail } satisfies MailRetryJob);
    return "later";
  }
}

/** A queued mail's next try (a worker's job): a failure throws, and the queue tries again after its back-off. */
export async function retryMail(job: MailRetryJob, retryCount = 0): Promise<void> {
  try {
    await sendMail(job.mail);
  } catch (error) {
    const last = retryCount >= MAIL_RETRY_LIMIT;
    log[last ? "error" : "warn"]({ err: error, retryCount }, last ? "mail not sent after its last try: lost" : "mail not sent again: tried later");
    throw error;
  }
}
