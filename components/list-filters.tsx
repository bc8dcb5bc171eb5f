import Link from "next/link";
import type { ReactNode } from "react";
import { FoldOnPhones } from "./fold-on-phones";

/**
 * A list's filters: a plain GET form, so the whole state lives in the URL and can be
 * shared; submitting starts again from the first page. `keep` carries parameters
 * the form has no field for (the Sandboxes list's "Show deleted"). On a phone they fold
 * behind "Filter and sort", open while `active` (a filter in use, or one to fix).
 */
export function ListFilters({ action, label, active, keep = {}, children }: { action: string; label: string; active: boolean; keep?: Record<string, string>; children: ReactNode }) {
  const kept = new URLSearchParams(keep).toString();
  return (
    <FoldOnPhones label="Filter and sort" startOpen={active}>
      <form method="get" action={action} aria-label={label} className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-3">
        {Object.entries(keep).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {children}
        <div className="flex items-end gap-3 sm:col-span-2 lg:col-span-3">
          <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
            Filter
          </button>
          <Link href={kept ? `${action}?${kept}` : action} className="py-2 text-sm text-brand-700 underline">
            Clear filters
          </Link>
        </div>
      </form>
    </FoldOnPhones>
  );
}

/** "Previous" and "Next" (or the audit log's "Newer" and "Older"): a link where there is a page that way, plain words where not. */
export function Pager({ previous, next, labels = ["← Previous", "Next →"] }: { previous: string | null; next: string | null; labels?: readonly [string, string] }) {
  return (
    <nav aria-label="Pages" className="mt-4 flex items-center gap-6 text-sm">
      <PageLink href={previous}>{labels[0]}</PageLink>
      <PageLink href={next}>{labels[1]}</PageLink>
    </nav>
  );
}

function PageLink({ href, children }: { href: string | null; children: string }) {
  if (!href) return <span className="text-slate-600" aria-disabled="true">{children}</span>;
  return (
    <Link href={href} className="text-brand-700 underline">
      {children}
    </Link>
  );
}
