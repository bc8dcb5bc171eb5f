import Link from "next/link";
import { TextField } from "@/components/text-field";
import { CONTROL_CLASS } from "@/components/field";
import { AUDIT_ACTIONS } from "@/lib/audit/schema";
import { AUDIT_ACTION_LABEL } from "@/lib/audit/sentences";

type Values = Partial<Record<"who" | "tenant" | "sandbox" | "action" | "from" | "to", string>>;

/** The audit log's filters: a plain GET form, so the whole state lives in the URL and can be shared. */
export function AuditFilters({ values, showTenant }: { values: Values; showTenant: boolean }) {
  return (
    <form method="get" action="/audit" aria-label="Filter the audit log" className="mt-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-3">
      <TextField label="Who" name="who" defaultValue={values.who} hint="Part of a name or e-mail" />
      {showTenant && <TextField label="Customer" name="tenant" defaultValue={values.tenant} hint="Customer id or part of the company name" />}
      <TextField label="Sandbox" name="sandbox" defaultValue={values.sandbox} hint="Part of its name" />
      <div>
        <label htmlFor="audit-action" className="block text-sm font-medium">
          Action
        </label>
        <select id="audit-action" name="action" defaultValue={values.action ?? ""} className={CONTROL_CLASS}>
          <option value="">All actions</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {AUDIT_ACTION_LABEL[a]}
            </option>
          ))}
        </select>
      </div>
      <TextField label="From" name="from" type="date" defaultValue={values.from} hint="UTC day, included" />
      <TextField label="To" name="to" type="date" defaultValue={values.to} hint="UTC day, included" />
      <div className="flex items-end gap-3 sm:col-span-2 lg:col-span-3">
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
          Filter
        </button>
        <Link href="/audit" className="py-2 text-sm text-brand-700 underline">
          Clear filters
        </Link>
      </div>
    </form>
  );
}
