import type { SortSpec } from "@/lib/lists/cursor";
import { sortOptions } from "@/lib/lists/schema";
import { SANDBOX_STATUS_LABEL } from "@/lib/sandboxes/labels";
import { SHOWN_STATUSES } from "@/lib/sandboxes/list-schema";
import { ListFilters } from "./list-filters";
import { SelectField } from "./select-field";
import { TextField } from "./text-field";

/** The fields that narrow the list (the sort only orders it). */
const FILTERS = ["q", "status", "customer", "orderer", "from", "to"] as const;

const STATUS_OPTIONS = SHOWN_STATUSES.map((s) => ({ value: s, label: SANDBOX_STATUS_LABEL[s] }));

/** The filters of the Sandboxes and Orders lists (both list sandboxes); staff also filter and search by customer. */
export function SandboxListFilters({ action, label, values, staff, sorts, dated, keep }: {
  action: string;
  /** What the date filters are called on this list: when a sandbox was created, or its order filed. */
  dated: "Created" | "Ordered";
  label: string;
  values: Record<string, string>;
  staff: boolean;
  sorts: Record<string, SortSpec>;
  keep?: Record<string, string>;
}) {
  return (
    <ListFilters action={action} label={label} keep={keep} active={FILTERS.some((name) => Boolean(values[name]))}>
      <TextField label="Search" name="q" type="search" defaultValue={values.q} hint={staff ? "Part of a sandbox's name, a company name or a customer id" : "Part of a sandbox's name"} />
      <SelectField label="Status" name="status" options={STATUS_OPTIONS} defaultValue={values.status} emptyLabel="Any status" />
      {staff && <TextField label="Customer" name="customer" defaultValue={values.customer} hint="Customer id or part of the company name" />}
      <TextField label="Ordered by" name="orderer" defaultValue={values.orderer} hint="Part of a name or e-mail" />
      <TextField label={`${dated} from`} name="from" type="date" defaultValue={values.from} hint="UTC day, included" />
      <TextField label={`${dated} to`} name="to" type="date" defaultValue={values.to} hint="UTC day, included" />
      <SelectField label="Sort by" name="sort" options={sortOptions(sorts)} defaultValue={values.sort} />
    </ListFilters>
  );
}
