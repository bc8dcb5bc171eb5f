/** A customer admin's invitation to the portal: who asked, for which organisation, and the link to set a password. */
import { MailLayout, Paragraph } from "./parts";
import { portalLink } from "./render";

export const invitationSubject = (companyName: string) => `You are invited to Sandbox Portal for ${companyName}`;

export interface InvitationFacts {
  name: string;
  inviterName: string;
  companyName: string;
  /** The link's secret, after the `#` (never sent to a server). */
  token: string;
  days: number;
}

export function InvitationMail(f: InvitationFacts) {
  const subject = invitationSubject(f.companyName);
  return (
    <MailLayout preview={subject} heading={subject} action={{ label: "Set your password", href: portalLink(`/join#${f.token}`) }}>
      <Paragraph>Hello {f.name},</Paragraph>
      <Paragraph>
        {f.inviterName} invited you to Sandbox Portal, where {f.companyName} orders and manages copies of its CRM to test and train on. Set your password
        with the link; it works once, for {f.days} days. After that, &quot;Forgot your password?&quot; on the sign-in page mails you a new one.
      </Paragraph>
      <Paragraph>Not expecting this? Ignore the mail: nothing happens until the link is used.</Paragraph>
    </MailLayout>
  );
}
