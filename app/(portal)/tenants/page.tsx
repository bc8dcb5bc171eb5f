import type { Metadata } from "next";
import { requireActor } from "@/lib/auth/actor";
import { listTenantsForStaff } from "@/lib/tenants/queries";
import { formatBytes } from "@/lib/format";
import { DataTable } from "@/components/data-table";

export const metadata: Metadata = { title: "Customers" };

export default async function TenantsPage() {
  await requireActor("tenant.viewAll");
  const tenants = await listTenantsForStaff();
  return (
    <section aria-labelledby="tenants-heading">
      <h1 id="tenants-heading" className="text-2xl font-semibold">Customers</h1>
      <p className="mt-1 text-sm text-slate-600">Every customer registered in the portal, with the size of its production database.</p>
      <DataTable caption="Customers" columns={["Customer id", "Company", "Production database", "Users", "Sandboxes"]}>
        {tenants.map((t) => (
          <tr key={t.id}>
            <td className="px-4 py-2 font-mono">{t.customerId}</td>
            <td className="px-4 py-2">{t.companyName}</td>
            <td className="px-4 py-2">{t.productionBytes === null ? "unreachable" : formatBytes(t.productionBytes)}</td>
            <td className="px-4 py-2">{t._count.users}</td>
            <td className="px-4 py-2">{t._count.sandboxes}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
