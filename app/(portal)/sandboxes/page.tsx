import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/auth/actor";
import { hasPermission, isStaff } from "@/lib/auth/policy";
import { countDeletedSandboxes, listSandboxes } from "@/lib/sandboxes/queries";
import { SANDBOX_DEFAULT_SORT, SANDBOX_FILTER_KEYS, SANDBOX_SORTS, sandboxListSchema } from "@/lib/sandboxes/list-schema";
import { listHref, listState, pageLinks, sortParam, type RawSearchParams } from "@/lib/lists/schema";
import { formatBytes } from "@/lib/format";
import { viewerWhen } from "@/lib/viewer-time-zone";
import { StatusBadge } from "@/components/status-badge";
import { DataTable, EmptyState } from "@/components/data-table";
import { Pager } from "@/components/list-filters";
import { SandboxListFilters } from "@/components/sandbox-list-filters";
import { OpenSandboxLink } from "@/components/open-sandbox-link";
import { hasUsableCopy, sandboxSignInUrl } from "@/lib/sandboxes/sign-in";

export const metadata: Metadata = { title: "Sandboxes" };

type Props = { searchParams: Promise<RawSearchParams> };

export default async function SandboxesPage({ searchParams }: Props) {
  const when = await viewerWhen();
  const actor = await requireActor("sandbox.view");
  const raw = await searchParams;
  const query = sandboxListSchema.parse(raw);
  const staff = isStaff(actor);
  // A customer's customer filter is ignored by the query; it is not offered or carried either.
  const filters = staff ? SANDBOX_FILTER_KEYS : SANDBOX_FILTER_KEYS.filter((k) => k !== "customer");
  const state = listState(raw, query, [...filters, "deleted"], SANDBOX_DEFAULT_SORT);
  const filtered = filters.some((k) => query[k] !== undefined);
  const [page, deletedCount] = await Promise.all([listSandboxes(actor, query), countDeletedSandboxes(actor)]);
  const mayOrder = hasPermission(actor, "sandbox.order") || hasPermission(actor, "sandbox.orderForCustomer");
  const mayConfigure = hasPermission(actor, "sandbox.configure");
  const showDeleted = query.deleted === "shown";
  const withoutDeleted = new URLSearchParams([...state].filter(([key]) => key !== "deleted"));
  return (
    <section aria-labelledby="sandboxes-heading">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="sandboxes-heading" className="text-2xl font-semibold">
          {staff ? "All sandboxes" : "Sandboxes"}
        </h1>
        {mayOrder && (
          <Link href="/sandboxes/new" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
            Order a sandbox
          </Link>
        )}
      </div>
      <SandboxListFilters
        action="/sandboxes"
        label="Filter the sandboxes"
        values={{ ...Object.fromEntries(state), sort: sortParam(query.sort) }}
        staff={staff}
        sorts={SANDBOX_SORTS}
        dated="Created"
        keep={showDeleted ? { deleted: "shown" } : {}}
      />
      {deletedCount > 0 && (
        <p className="mt-3 text-sm">
          {showDeleted ? (
            <Link href={listHref("/sandboxes", withoutDeleted)} className="text-brand-700 underline">
              Hide deleted
            </Link>
          ) : (
            <Link href={listHref("/sandboxes", withoutDeleted, { deleted: "shown" })} className="text-brand-700 underline">
              Show deleted ({deletedCount})
            </Link>
          )}
        </p>
      )}
      {page.rows.length === 0 ? (
        <EmptyState>
          {filtered || query.after || query.before
            ? "No sandboxes match these filters."
            : actor.role === "CUSTOMER_USER"
              ? "You have not been given access to a sandbox yet. Your administrator chooses who gets access when a sandbox is set up."
              : mayOrder
                ? "No sandboxes yet. Use “Order a sandbox” to get the first one."
                : "No sandboxes yet."}
        </EmptyState>
      ) : (
        <>
          <DataTable caption="Sandboxes" columns={["Name", staff && "Customer", "Status", "Production data as of", "Last refreshed", "Size", "Sign in"]}>
            {page.rows.map((s) => {
              const signInUrl = hasUsableCopy(s) ? sandboxSignInUrl(s.sandboxCustomerId) : null;
              return (
                <tr key={s.id} data-testid="sandbox-row">
                  <td className="px-4 py-2 font-medium">
                    <Link href={`/sandboxes/${s.id}`} className="text-brand-700 underline">
                      {s.name}
                    </Link>
                  </td>
                  {staff && <td className="px-4 py-2">{s.tenant.companyName} ({s.tenant.customerId})</td>}
                  <td className="px-4 py-2"><StatusBadge status={s.shown} /></td>
                  <td className="px-4 py-2">{when(s.snapshotAt)}</td>
                  <td className="px-4 py-2">{when(s.lastRefreshedAt)}</td>
                  <td className="px-4 py-2">{formatBytes(s.sizeBytes)}</td>
                  <td className="px-4 py-2">
                    {signInUrl ? (
                      <OpenSandboxLink url={signInUrl} name={s.name} compact />
                    ) : s.status === "AWAITING_SETUP" && mayConfigure ? (
                      // Nothing to sign in to yet: what it waits for is its setup, so the row says where that is.
                      <Link href={`/sandboxes/${s.id}/setup`} className="whitespace-nowrap text-sm font-medium text-brand-700 underline">
                        Continue the setup<span className="sr-only">: {s.name}</span>
                      </Link>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
          <Pager {...pageLinks("/sandboxes", state, page)} />
        </>
      )}
    </section>
  );
}
