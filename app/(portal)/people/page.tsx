import type { Metadata } from "next";
import { DataTable, EmptyState } from "@/components/data-table";
import { requireActor } from "@/lib/auth/actor";
import { ROLE_LABEL } from "@/lib/auth/policy";
import { INVITATION_DAYS, INVITATIONS_PER_DAY } from "@/lib/people/invite";
import { listPeople, PEOPLE_SHOWN, type Person } from "@/lib/people/queries";
import { InvitePersonForm } from "./_components/invite-person-form";
import { PersonActions } from "./_components/person-actions";

export const metadata: Metadata = { title: "People" };

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

export default async function PeoplePage() {
  const actor = await requireActor("people.manage");
  const { people, more } = await listPeople(actor);
  return (
    <section aria-labelledby="people-heading" className="space-y-8">
      <div>
        <h1 id="people-heading" className="text-2xl font-semibold">
          People
        </h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          The people of {actor.tenantName} who sign in to the portal. Customer admins order and manage sandboxes, and manage these accounts, API tokens
          and webhooks; customer users see, read-only, the sandboxes they were given access to in a sandbox&apos;s setup (matched by their e-mail address).
          A new role or a disabled account ends the person&apos;s sessions at once, and every change is in the audit log.
        </p>
      </div>
      <section aria-labelledby="invite-heading">
        <h2 id="invite-heading" className="text-lg font-semibold">
          Invite a person
        </h2>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          They are mailed a link to set their password, which works once, for {INVITATION_DAYS} days. Your organisation invites at most {INVITATIONS_PER_DAY}{" "}
          people a day.
        </p>
        <div className="mt-3">
          <InvitePersonForm />
        </div>
      </section>
      <section aria-labelledby="people-list-heading">
        <h2 id="people-list-heading" className="text-lg font-semibold">
          People of {actor.tenantName}
        </h2>
        {people.length === 0 ? (
          <EmptyState>No one yet.</EmptyState>
        ) : (
          <DataTable caption={`People of ${actor.tenantName}`} className="mt-2" columns={["Name", "E-mail", "Role", "Sign-in", "Status", "Change"]}>
            {people.map((p) => (
              <tr key={p.id} data-testid="person-row">
                <td className="px-3 py-2 font-medium">
                  {p.name}
                  {p.you && " (you)"}
                </td>
                <td className="break-all px-3 py-2">{p.email}</td>
                <td className="px-3 py-2">{ROLE_LABEL[p.role]}</td>
                <td className="px-3 py-2">{signInLabel(p)}</td>
                <td className="px-3 py-2">{statusLabel(p)}</td>
                <td className="px-3 py-2">
                  {p.you ? (
                    <span className="text-slate-600">Another admin changes yours</span>
                  ) : (
                    <PersonActions person={{ id: p.id, name: p.name, email: p.email, role: p.role, disabled: p.disabled, invited: p.invited }} />
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        {more && <p className="mt-2 text-sm text-slate-600">Only the first {PEOPLE_SHOWN} people, by name, are shown.</p>}
      </section>
    </section>
  );
}
