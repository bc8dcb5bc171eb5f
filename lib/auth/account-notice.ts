/**
 * Tells a person by mail when how their account signs in changed: a password changed or set
 * by a mailed link, a second factor turned on, moved, or off, recovery codes replaced. Someone
 * who took a session and its password could otherwise move the second factor to their own
 * phone, and the owner would learn of it only at their next sign-in. Sent after the change has
 * landed and never holding it up: a mail server that hangs delays nobody's answer, and a mail
 * that fails is logged, not the change undone.
 */
import { createElement } from "react";
import { ACCOUNT_CHANGE_SUBJECT, AccountChangeMail } from "../emails/account-change-mail";
import { renderMail } from "../emails/render";
import { sendMailOrLater } from "../notifications/mail-retry";
import { log } from "../observability/log";

const CHANGES = {
  passwordChanged: "The password of your account was changed, from its account page. Every session of the account was signed out.",
  passwordReset: "A new password was set for your account with a link mailed to this address. Every session of the account was signed out.",
  twoFactorOn: "Two-factor sign-in was turned on for your account: signing in now asks for a code from an authenticator app.",
  twoFactorMoved: "Two-factor sign-in of your account was moved to another authenticator app, and new recovery codes were made. Every session was signed out.",
  twoFactorOff: "Two-factor sign-in was turned off for your account: signing in asks for the password alone.",
  recoveryCodesRenewed: "The recovery codes of your account were replaced: the earlier ones no longer work.",
} as const;

export type AccountChange = keyof typeof CHANGES;

/** Mails `change` to the account's own address; returns at once (the mail goes on its own). */
export function noticeAccountChange(person: { name: string; email: string }, change: AccountChange, at = new Date()): Promise<void> {
  const sent = (async () => {
    const mail = await renderMail(createElement(AccountChangeMail, { name: person.name, change: CHANGES[change], at }));
    await sendMailOrLater({ to: [person.email], subject: ACCOUNT_CHANGE_SUBJECT, ...mail });
  })().catch((error: unknown) => log.error({ err: error, change }, "account change notice not sent"));
  return sent;
}
