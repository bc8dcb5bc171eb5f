import type { Metadata } from "next";
import { requireActor } from "@/lib/auth/actor";
import { hasPermission } from "@/lib/auth/policy";
import { listTenantsForStaff } from "@/lib/tenants/queries";
import { formatBytes } from "@/lib/format";
import Link from "next/link";
import { DataTable, EmptyState } from "@/components/data-table";
import { ListFilters, Pager } from "@/components/list-filters";
import { SelectField } from "@/components/select-field";
import { TextField } from "@/components/text-field";
import { listState, pageLinks, sortOptions, sortParam, type RawSearchParams } from "@/lib/lists/schema";
import { TENANT_DEFAULT_SORT, TENANT_SORTS, tenantListSchema } from "@/lib/tenants/list-schema";
import { PLAN_LABEL, USER_PLANS } from "@/lib/sanitizer/options";

/** "3 sandboxes; 10 Sales Premium, 2 Complete", or "No limits". */
function agreementWords(t: { entitledSandboxes: number | null; entitledPlans: unknown }): string {
  const plans = t.entitledPlans as Partial<Record<(typeof USER_PLANS)[number], number>> | null;
  const parts = [
    ...(t.entitledSandboxes === null ? [] : [`${t.entitledSandboxes} ${t.entitledSandboxes === 1 ? "sandbox" : "sandboxes"}`]),
    ...(plans === null ? [] : [USER_PLANS.filter((p) => plans[p]).map((p) => `${plans[p]} ${PLAN_LABEL[p]}`).join(", ") || "no user plans"]),
  ];
  return parts.length ? parts.join("; ") : "No limits";
}

export const metadata: Metadata = { title: "Customers" };

export default async function TenantsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const actor = await requireActor("tenant.viewAll");
  const raw = await searchParams;
  const query = tenantListSchema.parse(raw);
  const state = listState(raw, query, ["q"], TENANT_DEFAULT_SORT);
  const page = await listTenantsForStaff(query);
  return (
    <section aria-labelledby="tenants-heading">
      <h1 id="tenants-heading" className="text-2xl font-semibold">Customers</h1>
      <p className="mt-1 text-sm text-slate-600">Every customer registered in the portal, with the size of its production database.</p>
      <ListFilters action="/tenants" label="Search the customers" active={Boolean(query.q)}>
        <TextField label="Search" name="q" type="search" defaultValue={query.q} hint="Part of the company name or the customer id" />
        <SelectField label="Sort by" name="sort" options={sortOptions(TENANT_SORTS)} defaultValue={sortParam(query.sort)} />
      </ListFilters>
      {page.rows.length === 0 ? (
        <EmptyState>{query.q || query.after || query.before ? "No customers match this search." : "No customers yet."}</EmptyState>
      ) : (
        <>
          <TenantTable tenants={page.rows} peopleLinks={hasPermission(actor, "people.viewAll")} />
          <Pager {...pageLinks("/tenants", state, page)} />
        </>
      )}
    </section>
  );
}

/** `peopleLinks`: each user count leads to the customer's accounts (operators only). */
function TenantTable({ tenants, peopleLinks }: { tenants: Awaited<ReturnType<typeof listTenantsForStaff>>["rows"]; peopleLinks: boolean }) {
  return (
    <DataTable caption="Customers" columns={["Customer id", "Company", "Production database", "Users", "Sandboxes", "Agreement"]}>
      {tenants.map((t) => (
        <tr key={t.id}>
          <td className="px-4 py-2 font-mono">{t.customerId}</td>
          <td className="px-4 py-2">{t.companyName}</td>
          <td className="px-4 py-2">{typeof t.productionSize === "number" ? formatBytes(t.productionSize) : t.productionSize}</td>
          <td className="px-4 py-2 tabular-nums">
            {peopleLinks ? (
              <Link href={`/tenants/${t.customerId}/people`} className="text-brand-700 underline">
                {t.userCount}
                <span className="sr-only"> people of {t.companyName}</span>
              </Link>
            ) : (
              t.userCount
            )}
          </td>
          <td className="px-4 py-2 tabular-nums">{t.sandboxCount}</td>
          <td className="px-4 py-2">
            {agreementWords(t)}{" "}
            <Link href={`/tenants/${t.customerId}/agreement`} className="text-brand-700 underline">
              Change<span className="sr-only"> the agreement of {t.companyName}</span>
            </Link>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
