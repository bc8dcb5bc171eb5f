import type { ReactNode } from "react";
import { DataTable } from "@/components/data-table";
import { ROLE_LABEL } from "@/lib/auth/policy";
import type { Person } from "@/lib/people/queries";
import { lastSignInWords } from "@/lib/people/sign-ins-noted";
import { viewerWhen } from "@/lib/viewer-time-zone";

/** Two-factor accounts cannot use single sign-on (lib/auth/sign-in-errors.ts), so the first that holds is how they sign in. */
function signInLabel(p: Person): string {
  if (p.twoFactor) return "Two-factor";
  if (p.singleSignOn) return "Single sign-on";
  return "Password";
}

/** Disabled first: a disabled invitee cannot join until enabled, and their link does nothing. */
function statusLabel(p: Person): string {
  if (p.disabled) return "Disabled";
  if (p.invited) return "Invited: has not set a password yet";
  return "Active";
}

/**
 * One organisation's accounts: who they are, how and when they last signed in, and their
 * status. `change` adds the last column (a customer admin's buttons); operators read without it.
 */
export async function PeopleTable({
  caption,
  people,
  signInsNotedSince,
  change,
}: {
  caption: string;
  people: Person[];
  signInsNotedSince: Date | null;
  change?: (person: Person) => ReactNode;
}) {
  const when = await viewerWhen();
  return (
    <DataTable caption={caption} className="mt-2" columns={["Name", "E-mail", "Role", "Sign-in", "Last signed in", "Status", ...(change ? ["Change"] : [])]}>
      {people.map((p) => (
        <tr key={p.id} data-testid="person-row">
          <td className="px-3 py-2 font-medium">
            {p.name}
            {p.you && " (you)"}
          </td>
          <td className="break-all px-3 py-2">{p.email}</td>
          <td className="px-3 py-2">{ROLE_LABEL[p.role]}</td>
          <td className="px-3 py-2">{signInLabel(p)}</td>
          <td className="px-3 py-2">{lastSignInWords(p, signInsNotedSince, when)}</td>
          <td className="px-3 py-2">{statusLabel(p)}</td>
          {change && <td className="px-3 py-2">{change(p)}</td>}
        </tr>
      ))}
    </DataTable>
  );
}
