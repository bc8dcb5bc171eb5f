/** A change to how an account signs in, told to its own address: whoever did not make it learns at once. */
import { Facts, MailLayout, Paragraph } from "./parts";

export const ACCOUNT_CHANGE_SUBJECT = "How you sign in to Sandbox Portal changed";

export function AccountChangeMail({ name, change, at }: { name: string; change: string; at: Date }) {
  return (
    <MailLayout preview={change} heading={ACCOUNT_CHANGE_SUBJECT}>
      <Paragraph>Hello {name},</Paragraph>
      <Paragraph>{change}</Paragraph>
      <Facts rows={[["When", `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`]]} />
      <Paragraph>
        If this was you, there is nothing to do. If it was not, someone else can sign in to your account: tell your organisation&apos;s portal admin or
        support at once.
      </Paragraph>
    </MailLayout>
  );
}
