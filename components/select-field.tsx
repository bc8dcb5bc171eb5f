import { CONTROL_CLASS, StackedField, useFieldIds } from "./field";

export interface SelectOption {
  value: string;
  label: string;
}

/** A labelled select; `emptyLabel` adds a first choice that means "no choice" (an empty value). */
export function SelectField({ label, name, options, defaultValue, emptyLabel, hint }: {
  label: string;
  name: string;
  options: readonly SelectOption[];
  defaultValue?: string;
  emptyLabel?: string;
  hint?: string;
}) {
  const ids = useFieldIds(hint, undefined);
  return (
    <StackedField ids={ids} label={label} hint={hint}>
      <select id={ids.id} name={name} defaultValue={defaultValue ?? ""} aria-describedby={ids.describedBy} className={CONTROL_CLASS}>
        {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </StackedField>
  );
}
