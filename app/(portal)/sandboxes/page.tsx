import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/auth/actor";
import { isStaff } from "@/lib/auth/policy";
import { listSandboxes } from "@/lib/sandboxes/queries";
import { formatBytes, formatWhen } from "@/lib/format";
import { StatusBadge } from "@/components/status-badge";
import { DataTable, EmptyState } from "@/components/data-table";
import { OpenSandboxLink } from "@/components/open-sandbox-link";
import { sandboxSignInUrl } from "@/lib/sandboxes/sign-in";
import { hasUsableCopy } from "@/lib/sandboxes/sign-in-url";

export const metadata: Metadata = { title: "Sandboxes" };

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
        <EmptyState>No sandboxes yet.</EmptyState>
      ) : (
        <DataTable caption="Sandboxes" columns={["Name", staff && "Customer", "Status", "Production data as of", "Last refreshed", "Size", "Sign in"]}>
          {sandboxes.map((s) => {
            const signInUrl = hasUsableCopy(s) ? sandboxSignInUrl(s.sandboxCustomerId) : null;
            return (
            <tr key={s.id}>
              <td className="px-4 py-2 font-medium">
                <Link href={`/sandboxes/${s.id}`} className="text-brand-700 underline">
                  {s.name}
                </Link>
              </td>
              {staff && <td className="px-4 py-2">{s.tenant.companyName} ({s.tenant.customerId})</td>}
              <td className="px-4 py-2"><StatusBadge status={s.status} /></td>
              <td className="px-4 py-2">{formatWhen(s.snapshotAt)}</td>
              <td className="px-4 py-2">{formatWhen(s.lastRefreshedAt)}</td>
              <td className="px-4 py-2">{formatBytes(s.sizeBytes)}</td>
              <td className="px-4 py-2">{signInUrl ? <OpenSandboxLink url={signInUrl} name={s.name} compact /> : "—"}</td>
            </tr>
            );
          })}
        </DataTable>
      )}
    </section>
  );
}
