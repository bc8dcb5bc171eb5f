import { ListFilters } from "@/components/list-filters";
import { SelectField } from "@/components/select-field";
import { TextField } from "@/components/text-field";
import { AUDIT_ACTIONS } from "@/lib/audit/schema";
import { AUDIT_ACTION_LABEL } from "@/lib/audit/sentences";

type Values = Partial<Record<"who" | "tenant" | "sandbox" | "action" | "from" | "to", string>>;

const ACTION_OPTIONS = AUDIT_ACTIONS.map((a) => ({ value: a, label: AUDIT_ACTION_LABEL[a] }));

/** The audit log's filters: a plain GET form, so the whole state lives in the URL and can be shared. */
export function AuditFilters({ values, showTenant }: { values: Values; showTenant: boolean }) {
  return (
    <ListFilters action="/audit" label="Filter the audit log">
      <TextField label="Who" name="who" defaultValue={values.who} hint="Part of a name or e-mail" />
      {showTenant && <TextField label="Customer" name="tenant" defaultValue={values.tenant} hint="Customer id or part of the company name" />}
      <TextField label="Sandbox" name="sandbox" defaultValue={values.sandbox} hint="Part of its name" />
      <SelectField label="Action" name="action" options={ACTION_OPTIONS} defaultValue={values.action} emptyLabel="All actions" />
      <TextField label="From" name="from" type="date" defaultValue={values.from} hint="UTC day, included" />
      <TextField label="To" name="to" type="date" defaultValue={values.to} hint="UTC day, included" />
    </ListFilters>
  );
}
