import type { Metadata } from "next";
import { requireActor } from "@/lib/auth/actor";
import { listTenantsForStaff } from "@/lib/tenants/queries";
import { formatBytes } from "@/lib/format";
import Link from "next/link";
import { DataTable } from "@/components/data-table";
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

export default async function TenantsPage() {
  await requireActor("tenant.viewAll");
  const tenants = await listTenantsForStaff();
  return (
    <section aria-labelledby="tenants-heading">
      <h1 id="tenants-heading" className="text-2xl font-semibold">Customers</h1>
      <p className="mt-1 text-sm text-slate-600">Every customer registered in the portal, with the size of its production database.</p>
      <DataTable caption="Customers" columns={["Customer id", "Company", "Production database", "Users", "Sandboxes", "Agreement"]}>
        {tenants.map((t) => (
          <tr key={t.id}>
            <td className="px-4 py-2 font-mono">{t.customerId}</td>
            <td className="px-4 py-2">{t.companyName}</td>
            <td className="px-4 py-2">{t.productionBytes === null ? "unreachable" : formatBytes(t.productionBytes)}</td>
            <td className="px-4 py-2">{t._count.users}</td>
            <td className="px-4 py-2">{t._count.sandboxes}</td>
            <td className="px-4 py-2">
              {agreementWords(t)}{" "}
              <Link href={`/tenants/${t.customerId}/agreement`} className="text-brand-700 underline">
                Change<span className="sr-only"> the agreement of {t.companyName}</span>
              </Link>
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
