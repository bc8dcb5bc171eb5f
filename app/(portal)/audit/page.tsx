import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/auth/actor";
import { isStaff } from "@/lib/auth/policy";
import { listAuditEvents } from "@/lib/audit/queries";
import { auditFilterParams, formatAuditCursor, parseAuditQuery, type AuditCursor, type AuditFilterKey } from "@/lib/audit/schema";
import { AppError } from "@/lib/errors";
import { viewerWhen } from "@/lib/viewer-time-zone";
import { DataTable, EmptyState } from "@/components/data-table";
import { Pager } from "@/components/list-filters";
import { AuditDetails } from "./_components/audit-details";
import { AuditFilters } from "./_components/audit-filters";

export const metadata: Metadata = { title: "Audit log" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AuditPage({ searchParams }: Props) {
  const when = await viewerWhen();
  const actor = await requireActor("audit.view");
  const raw = await searchParams;
  const staff = isStaff(actor);
  const parsed = await readable(parseAuditQuery(raw), (query) => listAuditEvents(actor, query));
  const page = parsed.ok ? parsed.page : null;
  const filters = auditFilterParams(raw);
  if (!staff) filters.delete("tenant");
  const withFilters = (extra: Record<string, string>) => `?${new URLSearchParams([...filters, ...Object.entries(extra)]).toString()}`;
  const pageLink = (key: "before" | "after", cursor: AuditCursor | null | undefined) => (cursor ? `/audit${withFilters({ [key]: formatAuditCursor(cursor) })}` : null);

  return (
    <section aria-labelledby="audit-heading">
      <h1 id="audit-heading" className="text-2xl font-semibold">
        Audit log
      </h1>
      <p className="mt-1 text-sm text-slate-600">{staff ? "Every customer." : `${actor.tenantName ?? "Your organisation"} only.`} Newest first.</p>
      <AuditFilters values={Object.fromEntries(filters)} showTenant={staff} problems={parsed.ok ? undefined : parsed.fieldProblems} />
      {!parsed.ok ? (
        <div role="region" aria-label="Problems with the filters" data-testid="audit-problems" className="mt-4 rounded-md bg-red-50 p-3 text-sm text-red-900">
          <ul className="list-disc pl-5">
            {parsed.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : page && page.events.length === 0 ? (
        <EmptyState>No events match these filters.</EmptyState>
      ) : (
        <>
          <p className="mt-4 text-sm">
            <a href={`/api/audit/export${withFilters({})}`} className="text-brand-700 underline" download>
              Export these rows as CSV
            </a>
            <span className="text-slate-600"> (every event these filters match, not just this page)</span>
          </p>
          <DataTable caption="Audit events" className="mt-2" columns={["When", "What happened"]}>
            {page?.events.map((e) => (
              <tr key={e.id} data-testid="audit-row">
                <td className="px-3 py-2 text-slate-700 sm:whitespace-nowrap">
                  <time dateTime={e.createdAt.toISOString()}>{when(e.createdAt)}</time>
                </td>
                <td className="px-3 py-2 [overflow-wrap:anywhere]">
                  {e.sandboxName && e.targetId ? <SentenceWithLink sentence={e.sentence} name={e.sandboxName} href={`/sandboxes/${e.targetId}`} /> : e.sentence}
                  <AuditDetails details={e.details} actorEmail={e.actor?.email ?? null} />
                </td>
              </tr>
            ))}
          </DataTable>
          <Pager previous={pageLink("after", page?.newer)} next={pageLink("before", page?.older)} labels={["← Newer", "Older →"]} />
        </>
      )}
    </section>
  );
}

/**
 * The page of events, or the filters' problems: those the URL parser finds, and a filter the
 * log cannot be read by (one naming too many sandboxes), said at its field like the others.
 */
async function readable<Q, P>(
  parsed: { ok: true; query: Q } | { ok: false; problems: string[]; fieldProblems: Partial<Record<AuditFilterKey, string>> },
  read: (query: Q) => Promise<P>,
): Promise<{ ok: true; page: P } | { ok: false; problems: string[]; fieldProblems: Partial<Record<AuditFilterKey, string>> }> {
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, page: await read(parsed.query) };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "INVALID_INPUT") throw error;
    const fieldProblems = Object.fromEntries(Object.entries(error.fieldErrors ?? {}).map(([key, [first]]) => [key, first])) as Partial<Record<AuditFilterKey, string>>;
    return { ok: false, problems: [error.userMessage], fieldProblems };
  }
}

/** The sentence with the sandbox's name linked to its page (its first quoted mention). */
function SentenceWithLink({ sentence, name, href }: { sentence: string; name: string; href: string }) {
  const quoted = `“${name}”`;
  const at = sentence.indexOf(quoted);
  if (at < 0) return sentence;
  return (
    <>
      {sentence.slice(0, at)}“
      <Link href={href} className="text-brand-700 underline">
        {name}
      </Link>
      ”{sentence.slice(at + quoted.length)}
    </>
  );
}
