/**
 * The mail to one person given access in the wizard: which sandbox of which
 * customer, their plan, where to sign in, the moment of production
 * the sandbox holds; again after each refresh; and when access ends.
 */
import type { AccessEvent } from "../sandboxes/access";
import { formatWhen } from "../format";
import { Address, Facts, MailLayout, Paragraph } from "./parts";

export interface AccessFacts {
  event: AccessEvent;
  /** The plan's label ("Sales Premium"). */
  plan: string;
  sandboxName: string;
  companyName: string;
  snapshotAt: Date | null;
  signInUrl: string | null;
  /**
   * What they sign in with: their production username, or in a pseudonymised sandbox (rule 18) the
   * made-up one the copy holds for them (null: one not fit to mail, shown on the sandbox's page).
   */
  username: "production" | { madeUp: string | null };
}

function usernameInWords(username: AccessFacts["username"]): string {
  if (username === "production") return "the one you use in production";
  if (username.madeUp === null) return "made up for this sandbox, whose people all have made-up names: an admin sees it on the sandbox's page in the portal";
  return `${username.madeUp} (made up for this sandbox, whose people all have made-up names)`;
}

export function accessSubject(event: AccessEvent, sandboxName: string): string {
  switch (event) {
    case "granted":
      return `You have access to the sandbox "${sandboxName}"`;
    case "renewed":
      return `The sandbox "${sandboxName}" has been refreshed`;
    case "ended":
      return `Your access to the sandbox "${sandboxName}" has ended`;
    case "deleted":
      return `The sandbox "${sandboxName}" has been deleted`;
  }
}

const LEAD: Record<AccessEvent, (f: AccessFacts) => string> = {
  granted: (f) => `You have been given access to the sandbox "${f.sandboxName}" of ${f.companyName} on the ${f.plan} plan.`,
  renewed: (f) => `The sandbox "${f.sandboxName}" of ${f.companyName} now holds newer production data. Your access continues on the ${f.plan} plan; what you had changed there was replaced by the new copy.`,
  ended: (f) => `Your access to the sandbox "${f.sandboxName}" of ${f.companyName} ended with its latest refresh. Ask your administrator if you still need it.`,
  deleted: (f) => `The sandbox "${f.sandboxName}" of ${f.companyName} has been deleted, so your access to it has ended.`,
};

export function AccessMail(f: AccessFacts) {
  const subject = accessSubject(f.event, f.sandboxName);
  const open = f.event === "granted" || f.event === "renewed";
  return (
    <MailLayout preview={subject} heading={subject} action={open && f.signInUrl ? { label: "Open the sandbox", href: f.signInUrl } : undefined}>
      {/* Production writes people's names and usernames and chooses where this goes: none of its text is
          mailed under the portal's sender (a name can read "URGENT: re-validate at login-micros0ft.com"). */}
      <Paragraph>Hello,</Paragraph>
      <Paragraph>{LEAD[f.event](f)}</Paragraph>
      {open && (
        <Facts
          rows={[
            ["Sandbox", f.sandboxName],
            ["Customer", f.companyName],
            ["Your plan", f.plan],
            ["Your username", usernameInWords(f.username)],
            ["Production data as of", formatWhen(f.snapshotAt)],
            ["Sign in at", f.signInUrl && <Address href={f.signInUrl} />],
          ]}
        />
      )}
    </MailLayout>
  );
}
