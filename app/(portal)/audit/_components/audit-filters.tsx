import { ListFilters } from "@/components/list-filters";
import { SelectField } from "@/components/select-field";
import { TextField } from "@/components/text-field";
import { AUDIT_ACTIONS, type AuditFilterKey } from "@/lib/audit/schema";
import { AUDIT_ACTION_LABEL } from "@/lib/audit/sentences";

type Values = Partial<Record<"who" | "tenant" | "sandbox" | "action" | "from" | "to", string>>;

const ACTION_OPTIONS = AUDIT_ACTIONS.map((a) => ({ value: a, label: AUDIT_ACTION_LABEL[a] }));

/**
 * The audit log's filters: a plain GET form, so the whole state lives in the URL and can be
 * shared. A filter the URL got wrong carries its message, tied to its field.
 */
export function AuditFilters({ values, showTenant, problems = {} }: { values: Values; showTenant: boolean; problems?: Partial<Record<AuditFilterKey, string>> }) {
  return (
    <ListFilters action="/audit" label="Filter the audit log" active={Object.values(values).some(Boolean) || Object.keys(problems).length > 0}>
      <TextField label="Who" name="who" error={problems.who} defaultValue={values.who} hint="Part of a name or e-mail" />
      {showTenant && <TextField label="Customer" name="tenant" error={problems.tenant} defaultValue={values.tenant} hint="Customer id or part of the company name" />}
      <TextField label="Sandbox" name="sandbox" error={problems.sandbox} defaultValue={values.sandbox} hint="Part of its name" />
      <SelectField label="Action" name="action" options={ACTION_OPTIONS} defaultValue={values.action} emptyLabel="All actions" />
      <TextField label="From" name="from" error={problems.from} type="date" defaultValue={values.from} hint="UTC day, included" />
      <TextField label="To" name="to" error={problems.to} type="date" defaultValue={values.to} hint="UTC day, included" />
    </ListFilters>
  );
}
