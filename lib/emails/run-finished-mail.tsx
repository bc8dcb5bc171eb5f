/**
 * The mail to the orderer and the customer's admins when a copy, refresh or
 * deletion ends: which sandbox of which customer, the moment of production it
 * holds, how long it took, who may sign in on which plan and where; for a
 * failure, what went wrong in words and what happens now.
 */
import { formatDuration, formatWhen } from "../format";
import { Address, Facts, MailLayout, Paragraph } from "./parts";
import { portalLink } from "./render";
import { writtenOffWords, type WrittenOff } from "../sandboxes/written-off";
import { personNameSchema } from "../people/schema";

export type RunKindName = "PROVISION" | "REFRESH" | "DELETE";

export interface RunFinishedFacts {
  kind: RunKindName;
  succeeded: boolean;
  sandboxId: string;
  sandboxName: string;
  companyName: string;
  customerId: string;
  /** The moment of production the copy holds. */
  snapshotAt: Date | null;
  tookMs: number | null;
  /** Who may sign in now, on which plan (plan labels, not ids); `mailed: false` when production holds no address to tell them at. */
  access: readonly { fullName: string; plan: string; mailed?: boolean }[];
  signInUrl: string | null;
  /** The run's failure in plain words (lib/jobs/failure.ts); never a driver message. */
  failure: string | null;
  /** The failure's kind (lib/jobs/failure.ts): what happens next depends on it. */
  failureCode?: string | null;
  /** A deletion that dropped nothing: the sandbox was lost with its server (lib/sandbox-servers/write-off.ts). */
  writtenOff?: WrittenOff | null;
}

const DONE = { PROVISION: "is ready", REFRESH: "has been refreshed", DELETE: "has been deleted" } as const;
const NOUN = { PROVISION: "copy", REFRESH: "refresh", DELETE: "deletion" } as const;

/** After a failure, what state the sandbox is in and what the reader can do. */
const NEXT: Record<RunKindName, string> = {
  PROVISION: "Nothing was released: no one can sign in to a half-made copy. Our operators have been told. You can retry from the sandbox page.",
  REFRESH: "The sandbox keeps its previous copy, unchanged, so everyone with access can go on working in it. Our operators have been told. You can retry the refresh from the sandbox page.",
  DELETE: "The sandbox is still there as it was. Our operators have been told. You can try deleting it again from the sandbox page.",
};

/** After production held what the portal does not know: a plain retry would fail the same way. */
const NEXT_AFTER_DRIFT: Partial<Record<RunKindName, string>> = {
  PROVISION:
    "Nothing was released. Our operators have been told: once they have classified what production holds, or it is removed from production, retry from the sandbox page (a retry checks production first).",
  REFRESH:
    "The sandbox keeps its previous copy, unchanged. Decide what happens to each yourself in the review of \"Change the choices and refresh\" on the sandbox page, or wait for our operators to classify them: a plain retry checks production first, and starts only once everything in it is known.",
};

/** After choices production no longer fits (INVALID_OPTIONS): a retry takes the same choices, so they are chosen again. */
const NEXT_AFTER_CHOICES: Partial<Record<RunKindName, string>> = {
  PROVISION:
    "Nothing was released. A retry takes the same choices and would fail the same way: delete this sandbox from its page and order a new one with other choices, or contact support.",
  REFRESH:
    "The sandbox keeps its previous copy, unchanged, so everyone with access can go on working in it. Choose again with \"Change the choices and refresh\" on the sandbox page: a retry takes the same choices and would fail the same way.",
};

/** What happens after a failure of this kind. */
const nextAfter = (f: Pick<RunFinishedFacts, "kind" | "failureCode">): string =>
  (f.failureCode === "DRIFT" && NEXT_AFTER_DRIFT[f.kind]) || (f.failureCode === "INVALID_OPTIONS" && NEXT_AFTER_CHOICES[f.kind]) || NEXT[f.kind];

export function runFinishedSubject(f: Pick<RunFinishedFacts, "kind" | "succeeded" | "sandboxName" | "writtenOff">): string {
  if (f.writtenOff) return `Sandbox "${f.sandboxName}" is gone: its server was lost`;
  return f.succeeded ? `Sandbox "${f.sandboxName}" ${DONE[f.kind]}` : `Sandbox "${f.sandboxName}": the ${NOUN[f.kind]} failed`;
}

export function RunFinishedMail(f: RunFinishedFacts) {
  const subject = runFinishedSubject(f);
  const customer = `${f.companyName} (${f.customerId})`;
  const page = portalLink(`/sandboxes/${f.sandboxId}`);
  if (!f.succeeded) {
    return (
      <MailLayout notice preview={subject} heading={subject} action={{ label: "Open the sandbox page", href: page }}>
        <Facts rows={[["Sandbox", f.sandboxName], ["Customer", customer]]} />
        <Paragraph>
          <strong>What went wrong:</strong> {f.failure ?? "No reason was recorded."}
        </Paragraph>
        <Paragraph>
          <strong>What happens next:</strong> {nextAfter(f)}
        </Paragraph>
      </MailLayout>
    );
  }
  if (f.kind === "DELETE" && f.writtenOff) {
    return (
      <MailLayout notice preview={subject} heading={subject} action={{ label: "See its history", href: page }}>
        <Facts rows={[["Sandbox", f.sandboxName], ["Customer", customer]]} />
        <Paragraph>{writtenOffWords(f.writtenOff)}</Paragraph>
        <Paragraph>Everyone&apos;s access to it has ended. Production was never touched. Its history and audit stay in the portal, and its name can be used again: order a new sandbox for a fresh copy.</Paragraph>
      </MailLayout>
    );
  }
  if (f.kind === "DELETE") {
    return (
      <MailLayout notice preview={subject} heading={subject} action={{ label: "See its history", href: page }}>
        <Facts rows={[["Sandbox", f.sandboxName], ["Customer", customer], ["Took", f.tookMs === null ? null : formatDuration(f.tookMs)]]} />
        <Paragraph>Its database is gone and everyone&apos;s access to it has ended. Its history and audit stay in the portal, and its name can be used again.</Paragraph>
      </MailLayout>
    );
  }
  return (
    <MailLayout notice preview={subject} heading={subject} action={{ label: "Open the sandbox page", href: page }}>
      <Facts
        rows={[
          ["Sandbox", f.sandboxName],
          ["Customer", customer],
          ["Production data as of", formatWhen(f.snapshotAt)],
          ["The copy took", f.tookMs === null ? null : formatDuration(f.tookMs)],
          ["Sign in at", f.signInUrl && <Address href={f.signInUrl} />],
        ]}
      />
      <Paragraph>
        <strong>Who has access:</strong>{" "}
        {f.access.length === 0 ? "nobody was given access in the setup." : f.access.map((a) => `${mailedName(a.fullName)} (${a.plan})`).join(", ")}
      </Paragraph>
      {f.access.length > 0 && <Paragraph>{whoWasTold(f.access)}</Paragraph>}
    </MailLayout>
  );
}

/**
 * A person given access as this mail names them. Production writes their names (a CRM user
 * sets their own), and this mail goes out under the portal's sender: only a name as the portal
 * takes one (letters, spaces, hyphens, apostrophes; no links, digits or direction marks) is
 * written; any other is left to the sandbox page, as the access mail leaves production's text
 * (access-mail.tsx). "URGENT: sign in again at …" read as the portal's own words.
 */
const NAMED_ON_THE_PAGE = "someone named on the sandbox page";
const mailedName = (fullName: string) => (personNameSchema.safeParse(fullName).success ? fullName.trim() : NAMED_ON_THE_PAGE);

/**
 * Whether the people given access heard of it: a person production holds no address for gets no
 * mail, and the admin read "each of them has been told" and told nobody.
 */
function whoWasTold(access: RunFinishedFacts["access"]): string {
  const untold = access.filter((a) => a.mailed === false).map((a) => mailedName(a.fullName));
  if (untold.length === 0) return "Each of them has been told by e-mail where to sign in and with which username.";
  const names = untold.length === 1 ? untold[0]! : `${untold.slice(0, -1).join(", ")} and ${untold.at(-1)!}`;
  // Names as production writes them; the words standing in for one begin the sentence as words do.
  const notTold = `${names.startsWith(NAMED_ON_THE_PAGE) ? `S${names.slice(1)}` : names} ${untold.length === 1 ? "has" : "have"} no e-mail address in production, so ${untold.length === 1 ? "was" : "were"} not told: tell them yourself.`;
  return untold.length === access.length ? notTold : `${notTold} The others have been told by e-mail where to sign in and with which username.`;
}
