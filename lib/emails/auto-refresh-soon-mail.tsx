/**
 * The day before a sandbox's regular refresh, to its admins and its orderer: what was
 * changed in the sandbox since its last copy is replaced then, so whoever is testing
 * there has a day to finish, or to move the day.
 */
import { formatWhen } from "../format";
import { Facts, MailLayout, Paragraph } from "./parts";
import { portalLink } from "./render";

export interface AutoRefreshSoonFacts {
  sandboxId: string;
  sandboxName: string;
  companyName: string;
  /** When its refresh is started: the first pass of the regular refreshes on its day. */
  startsAt: Date;
}

export const autoRefreshSoonSubject = (name: string) => `Sandbox "${name}" is refreshed tomorrow`;

export function AutoRefreshSoonMail(f: AutoRefreshSoonFacts) {
  const subject = autoRefreshSoonSubject(f.sandboxName);
  return (
    <MailLayout notice preview={subject} heading={subject} action={{ label: "See the sandbox", href: portalLink(`/sandboxes/${f.sandboxId}`) }}>
      <Paragraph>
        {`The sandbox "${f.sandboxName}" of ${f.companyName} is refreshed with production's data tomorrow, as its regular refresh is set. What was changed in it since its last copy is then replaced: finish what you are testing there, or move the day or turn the regular refresh off on its page.`}
      </Paragraph>
      <Facts
        rows={[
          ["Sandbox", f.sandboxName],
          ["Refreshed from", formatWhen(f.startsAt)],
          ["Until it is verified", "the current copy stays as it is and usable"],
        ]}
      />
    </MailLayout>
  );
}
