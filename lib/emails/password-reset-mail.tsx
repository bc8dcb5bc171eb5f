/** A link to set a new password, for a person who said they forgot theirs. */
import { MailLayout, Paragraph } from "./parts";
import { portalLink } from "./render";

export const PASSWORD_RESET_SUBJECT = "Set a new password for Sandbox Portal";

/** `token`: the link's secret, after the `#`, so that it never reaches a server's log or another site's Referer. */
export function PasswordResetMail({ name, token, minutes }: { name: string; token: string; minutes: number }) {
  return (
    <MailLayout preview={PASSWORD_RESET_SUBJECT} heading={PASSWORD_RESET_SUBJECT} action={{ label: "Set a new password", href: portalLink(`/reset-password#${token}`) }}>
      <Paragraph>Hello {name},</Paragraph>
      <Paragraph>
        Someone, hopefully you, asked to set a new password for your Sandbox Portal account. The link works once, for {minutes} minutes. Setting a new
        password signs your account out everywhere; a code from your authenticator app is still asked for at sign-in if you use one.
      </Paragraph>
      <Paragraph>If you did not ask, ignore this mail: your password stays as it is.</Paragraph>
    </MailLayout>
  );
}
