import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { BackLink } from "@/components/back-link";
import { EmptyState } from "@/components/data-table";
import { PeopleTable } from "@/components/people-table";
import { requireActor } from "@/lib/auth/actor";
import { listCustomerPeople, PEOPLE_SHOWN, peopleSearch } from "@/lib/people/queries";
import { PeopleSearch, peopleListWords } from "@/components/people-search";

export const metadata: Metadata = { title: "Customer's people" };

/**
 * A customer's portal accounts, read-only, for operators: where support looks first when someone
 * cannot sign in (disabled, invited and not joined, two-factor or single sign-on), and who a
 * customer's admins are. Accounts change on the customer admins' own People page, or by an
 * operator's CLI, which is audited as such.
 */
export default async function CustomerPeoplePage({ params, searchParams }: { params: Promise<{ customerId: string }>; searchParams: Promise<{ q?: string | string[] }> }) {
  const actor = await requireActor("people.viewAll");
  const { customerId } = await params;
  const search = peopleSearch((await searchParams).q);
  const customer = await listCustomerPeople(actor, customerId, search);
  if (!customer) notFound();
  const words = peopleListWords(search, PEOPLE_SHOWN);
  const caption = `People of ${customer.companyName}`;
  return (
    <section aria-labelledby="customer-people-heading" className="space-y-4">
      <div>
        <BackLink href="/tenants">Customers</BackLink>
        <h1 id="customer-people-heading" className="mt-1 text-2xl font-semibold">
          {caption} ({customer.customerId})
        </h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          {customer.left ? "This customer has left the portal: its accounts are disabled. " : ""}
          The customer&apos;s admins invite, change and disable these accounts on their People page; operators do it with the CLI (
          <code>npm run ops -- user:…</code>). Last signed in counts sign-ins to the portal&apos;s pages, not API calls.
        </p>
      </div>
      <PeopleSearch action={`/tenants/${encodeURIComponent(customer.customerId)}/people`} search={search} />
      {customer.people.length === 0 ? <EmptyState>{words.empty}</EmptyState> : <PeopleTable caption={caption} people={customer.people} signInsNotedSince={customer.signInsNotedSince} />}
      {customer.more && <p className="text-sm text-slate-600">{words.more}</p>}
    </section>
  );
}
