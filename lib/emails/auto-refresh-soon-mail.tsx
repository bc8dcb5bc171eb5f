/**
 * The day before a sandbox's regular refresh, to its admins, its orderer and those testing
 * there: what was changed in the sandbox since its last copy is replaced then, so whoever is
 * testing there has a day to finish, and whoever may move the day has a day to do so.
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
  /**
   * Whether the reader may move the day or turn the regular refresh off (customer admins and
   * staff with sandbox.refresh): the others (its users, a sales rep who ordered it) are told whom to ask.
   */
  canChangeSchedule: boolean;
}

export const autoRefreshSoonSubject = (name: string) => `Sandbox "${name}" is refreshed tomorrow`;

export function AutoRefreshSoonMail(f: AutoRefreshSoonFacts) {
  const subject = autoRefreshSoonSubject(f.sandboxName);
  return (
    <MailLayout notice preview={subject} heading={subject} action={{ label: "See the sandbox", href: portalLink(`/sandboxes/${f.sandboxId}`) }}>
      <Paragraph>
        {`The sandbox "${f.sandboxName}" of ${f.companyName} is refreshed with production's data tomorrow, as its regular refresh is set. What was changed in it since its last copy is then replaced: ${
          f.canChangeSchedule
            ? "finish what you are testing there, or move the day or turn the regular refresh off on its page."
            : `finish what you are testing there; if you need longer, ask an admin of ${f.companyName} to move the day or turn the regular refresh off.`
        }`}
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
