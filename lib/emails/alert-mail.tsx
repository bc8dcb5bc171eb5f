/** An operators' alert: what happened, in words, and where to look. */
import { Facts, MailLayout, Paragraph } from "./parts";
import { portalLink } from "./render";

export interface AlertFacts {
  subject: string;
  detail: string;
  link: string | null;
  firstAt: Date;
}

export const alertSubject = (subject: string) => `Alert: ${subject}`;

export function AlertMail(f: AlertFacts) {
  const subject = alertSubject(f.subject);
  return (
    <MailLayout preview={subject} heading={subject} action={f.link ? { label: "Look into it", href: portalLink(f.link) } : undefined}>
      {f.detail.split(/\n{2,}/).map((part) => (
        <Paragraph key={part}>{part}</Paragraph>
      ))}
      <Facts rows={[["First seen", `${f.firstAt.toISOString().slice(0, 16).replace("T", " ")} UTC`]]} />
      <Paragraph>The same alert is not mailed again for a while; the operations page counts its repeats.</Paragraph>
    </MailLayout>
  );
}
