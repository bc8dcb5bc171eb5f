import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/auth/actor";
import { isStaff } from "@/lib/auth/policy";
import { listSandboxes } from "@/lib/sandboxes/queries";
import { formatBytes } from "@/lib/sandboxes/labels";
import { StatusBadge } from "@/components/status-badge";

export const metadata: Metadata = { title: "Sandboxes" };

const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const when = (d: Date | null) => (d ? `${dateTime.format(d)} UTC` : "—");

export default async function SandboxesPage() {
  const actor = await requireActor("sandbox.view");
  const sandboxes = await listSandboxes(actor);
  const staff = isStaff(actor);
  return (
    <section aria-labelledby="sandboxes-heading">
      <h1 id="sandboxes-heading" className="text-2xl font-semibold">
        {staff ? "All sandboxes" : "Sandboxes"}
      </h1>
      {sandboxes.length === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">
          No sandboxes yet.
        </p>
      ) : (
        <div className="mt-6 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Sandboxes</caption>
            <thead className="bg-slate-50 text-left">
              <tr>
                <th scope="col" className="px-4 py-2 font-semibold">Name</th>
                {staff && <th scope="col" className="px-4 py-2 font-semibold">Customer</th>}
                <th scope="col" className="px-4 py-2 font-semibold">Status</th>
                <th scope="col" className="px-4 py-2 font-semibold">Production data as of</th>
                <th scope="col" className="px-4 py-2 font-semibold">Last refreshed</th>
                <th scope="col" className="px-4 py-2 font-semibold">Size</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {sandboxes.map((s) => (
                <tr key={s.id}>
                  <td className="px-4 py-2 font-medium">
                    <Link href={`/sandboxes/${s.id}`} className="text-brand-700 underline">
                      {s.name}
                    </Link>
                  </td>
                  {staff && <td className="px-4 py-2">{s.tenant.companyName} ({s.tenant.customerId})</td>}
                  <td className="px-4 py-2"><StatusBadge status={s.status} /></td>
                  <td className="px-4 py-2">{when(s.snapshotAt)}</td>
                  <td className="px-4 py-2">{when(s.lastRefreshedAt)}</td>
                  <td className="px-4 py-2">{formatBytes(s.sizeBytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
