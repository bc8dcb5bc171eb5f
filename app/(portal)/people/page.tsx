import type { Metadata } from "next";
import { EmptyState } from "@/components/data-table";
import { PeopleTable } from "@/components/people-table";
import { requireActor } from "@/lib/auth/actor";
import { INVITATION_DAYS, INVITATIONS_PER_DAY } from "@/lib/people/invite";
import { listPeople, PEOPLE_SHOWN, peopleSearch } from "@/lib/people/queries";
import { PeopleSearch, peopleListWords } from "@/components/people-search";
import { InvitePersonForm } from "./_components/invite-person-form";
import { PersonActions } from "./_components/person-actions";

export const metadata: Metadata = { title: "People" };

export default async function PeoplePage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  const actor = await requireActor("people.manage");
  const search = peopleSearch((await searchParams).q);
  const { people, more, signInsNotedSince } = await listPeople(actor, search);
  const words = peopleListWords(search, PEOPLE_SHOWN);
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
        <PeopleSearch action="/people" search={search} />
        {people.length === 0 ? (
          <EmptyState>{words.empty}</EmptyState>
        ) : (
          <PeopleTable
            caption={`People of ${actor.tenantName}`}
            people={people}
            signInsNotedSince={signInsNotedSince}
            change={(p) =>
              p.you ? (
                <span className="text-slate-600">Another admin changes yours</span>
              ) : (
                <PersonActions person={{ id: p.id, name: p.name, email: p.email, role: p.role, disabled: p.disabled, invited: p.invited }} />
              )
            }
          />
        )}
        {more && <p className="mt-2 text-sm text-slate-600">{words.more}</p>}
      </section>
    </section>
  );
}
