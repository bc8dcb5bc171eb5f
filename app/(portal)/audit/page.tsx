import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/auth/actor";
import { isStaff } from "@/lib/auth/policy";
import { auditActionLabel, listAuditActions, listAuditEvents } from "@/lib/audit/queries";
import { formatWhen } from "@/lib/format";
import { DataTable, EmptyState } from "@/components/data-table";

export const metadata: Metadata = { title: "Audit log" };

type Props = { searchParams: Promise<{ action?: string | string[]; page?: string | string[] }> };

export default async function AuditPage({ searchParams }: Props) {
  const actor = await requireActor("audit.view");
  const raw = await searchParams;
  const action = typeof raw.action === "string" && raw.action ? raw.action : undefined;
  const page = Math.max(1, Number.parseInt(typeof raw.page === "string" ? raw.page : "1", 10) || 1);
  const [{ events, total, pageCount }, actions] = await Promise.all([listAuditEvents(actor, { action, page }), listAuditActions(actor)]);
  const staff = isStaff(actor);
  const pageHref = (p: number) => `/audit?${new URLSearchParams({ ...(action ? { action } : {}), page: String(p) }).toString()}`;

  return (
    <section aria-labelledby="audit-heading">
      <h1 id="audit-heading" className="text-2xl font-semibold">
        Audit log
      </h1>
      <p className="mt-1 text-sm text-slate-600">{staff ? "Every tenant." : `${actor.tenantName ?? "Your organisation"} only.`} Newest first.</p>
      <form method="get" className="mt-4 flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="audit-action" className="block text-sm font-medium">
            Action
          </label>
          <select id="audit-action" name="action" defaultValue={action ?? ""} className="mt-1 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm">
            <option value="">All actions</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {auditActionLabel(a)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold hover:bg-slate-50">
          Filter
        </button>
      </form>
      {events.length === 0 ? (
        <EmptyState>No events.</EmptyState>
      ) : (
        <DataTable caption="Audit events" className="mt-4" columns={["When", "Who", staff && "Customer", "Action", "Details"]}>
          {events.map((e) => (
            <tr key={e.id} data-testid="audit-row">
              <td className="px-3 py-2 whitespace-nowrap">{formatWhen(e.createdAt)}</td>
              <td className="px-3 py-2">{e.actor ? `${e.actor.name} (${e.actor.email})` : "System"}</td>
              {staff && <td className="px-3 py-2">{e.tenant ? `${e.tenant.companyName} (${e.tenant.customerId})` : "—"}</td>}
              <td className="px-3 py-2">{auditActionLabel(e.action)}</td>
              <td className="px-3 py-2">
                <Details details={e.details} targetId={e.targetId} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <nav aria-label="Pages" className="mt-4 flex items-center gap-4 text-sm">
        {page > 1 ? <Link href={pageHref(page - 1)} className="text-brand-700 underline">Previous</Link> : <span className="text-slate-600" aria-disabled="true">Previous</span>}
        <span>
          Page {Math.min(page, pageCount)} of {pageCount} ({total} events)
        </span>
        {page < pageCount ? <Link href={pageHref(page + 1)} className="text-brand-700 underline">Next</Link> : <span className="text-slate-600" aria-disabled="true">Next</span>}
      </nav>
    </section>
  );
}

/** Audit details are our own small JSON objects: shown as key/value text, sandbox links where the target is one. */
function Details({ details, targetId }: { details: unknown; targetId: string | null }) {
  const entries = details && typeof details === "object" && !Array.isArray(details) ? Object.entries(details as Record<string, unknown>) : [];
  const name = entries.find(([k]) => k === "name")?.[1];
  return (
    <div className="space-y-0.5">
      {targetId && typeof name === "string" && (
        <Link href={`/sandboxes/${targetId}`} className="text-brand-700 underline">
          {name}
        </Link>
      )}
      <ul className="text-slate-700">
        {entries
          .filter(([k]) => k !== "name" && k !== "database")
          .map(([k, v]) => (
            <li key={k}>
              {k}: {typeof v === "string" ? v : JSON.stringify(v)}
            </li>
          ))}
      </ul>
    </div>
  );
}
