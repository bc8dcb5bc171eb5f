import type { Metadata } from "next";
import { requireActor } from "@/lib/auth/actor";
import { listTenantsForStaff } from "@/lib/tenants/queries";
import { formatBytes } from "@/lib/sandboxes/labels";

export const metadata: Metadata = { title: "Customers" };

export default async function TenantsPage() {
  await requireActor("tenant.viewAll");
  const tenants = await listTenantsForStaff();
  return (
    <section aria-labelledby="tenants-heading">
      <h1 id="tenants-heading" className="text-2xl font-semibold">Customers</h1>
      <p className="mt-1 text-sm text-slate-600">Every customer registered in the portal, with the size of its production database.</p>
      <div className="mt-6 overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Customers</caption>
          <thead className="bg-slate-50 text-left">
            <tr>
              <th scope="col" className="px-4 py-2 font-semibold">Customer id</th>
              <th scope="col" className="px-4 py-2 font-semibold">Company</th>
              <th scope="col" className="px-4 py-2 font-semibold">Production database</th>
              <th scope="col" className="px-4 py-2 font-semibold">Users</th>
              <th scope="col" className="px-4 py-2 font-semibold">Sandboxes</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {tenants.map((t) => (
              <tr key={t.id}>
                <td className="px-4 py-2 font-mono">{t.customerId}</td>
                <td className="px-4 py-2">{t.companyName}</td>
                <td className="px-4 py-2">{t.productionBytes === null ? "unreachable" : formatBytes(t.productionBytes)}</td>
                <td className="px-4 py-2">{t._count.users}</td>
                <td className="px-4 py-2">{t._count.sandboxes}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
