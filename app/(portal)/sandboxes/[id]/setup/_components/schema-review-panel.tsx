"use client";

import { useId, useState } from "react";
import { FormStatus } from "@/components/form-status";
import type { ColumnTreatment, ObjectTreatment, TableTreatment } from "@/lib/sanitizer/classification";
import type { ClassificationChoices, SchemaReview } from "@/lib/tenants/schema-review";
import { classifySchemaAction } from "@/lib/wizard/actions";
import type { WizardMode } from "@/lib/wizard/schema";
import { callAction } from "@/lib/actions/call-action";

const COLUMN_CHOICE: Record<ColumnTreatment, string> = {
  keep: "Copy its values as they are",
  clear: "Copy it empty",
  email: "It holds e-mail addresses: make them undeliverable, like the CRM's own",
  "person-name": "It holds people's names: pseudonymise them when personal data is pseudonymised",
  phone: "It holds phone numbers: pseudonymise them when personal data is pseudonymised",
  address: "It holds street addresses: pseudonymise them when personal data is pseudonymised",
  "free-text": "It holds free text: replace the names in it when personal data is pseudonymised",
};
const TABLE_CHOICE: Record<TableTreatment, string> = {
  copy: "Copy its rows",
  skip: "Create it empty",
};
const OBJECT_CHOICE: Record<ObjectTreatment, string> = {
  "leave-out": "Leave it out of the sandbox",
  copy: "Recreate it in the sandbox",
};

type Item =
  | { key: string; label: string; kind: "column"; id: string; choices: ColumnTreatment[] }
  | { key: string; label: string; kind: "table"; id: string; choices: TableTreatment[] }
  | { key: string; label: string; kind: "object"; index: number; choices: ObjectTreatment[]; executable: boolean };

const quoted = (name: string) => `“${name}”`;

function itemsOf(review: SchemaReview): Item[] {
  return [
    ...review.columns.map((c, i): Item => ({
      key: `column-${i}`,
      kind: "column",
      id: `${c.table}.${c.column}`,
      label: `Column ${quoted(c.column)} in table ${quoted(c.table)} (${c.type})`,
      choices: c.treatments,
    })),
    ...review.tables.map((t, i): Item => ({
      key: `table-${i}`,
      kind: "table",
      id: t.name,
      label: `Table ${quoted(t.name)} (${t.columns} ${t.columns === 1 ? "column" : "columns"})`,
      choices: t.treatments,
    })),
    ...review.objects.map((o, i): Item => ({
      key: `object-${i}`,
      kind: "object",
      index: i,
      label: `${o.kind[0]!.toUpperCase()}${o.kind.slice(1)} ${quoted(o.name)}${o.table === null ? "" : ` on table ${quoted(o.table)}`}`,
      choices: o.treatments,
      executable: !o.treatments.includes("copy"),
    })),
  ];
}

function choicesFrom(picked: Record<string, string>, items: Item[], review: SchemaReview): ClassificationChoices {
  const choices: ClassificationChoices = { columns: {}, tables: {}, objects: [] };
  for (const item of items) {
    const value = picked[item.key];
    if (value === undefined) continue;
    if (item.kind === "column") choices.columns[item.id] = value as ColumnTreatment;
    else if (item.kind === "table") choices.tables[item.id] = value as TableTreatment;
    else {
      const { kind, table, name } = review.objects[item.index]!;
      choices.objects.push({ kind, table, name, treatment: value as ObjectTreatment });
    }
  }
  return choices;
}

/**
 * Rule 0 in the review step: what production has that nobody has classified, and a
 * form for a customer admin to decide each one. The choices hold for every sandbox
 * of the customer, now and at later refreshes, and are recorded in the audit log.
 */
export function SchemaReviewPanel({
  review,
  sandboxId,
  mode,
  companyName,
  onReviewed,
}: {
  review: SchemaReview;
  sandboxId: string;
  mode: WizardMode;
  companyName: string;
  onReviewed: (review: SchemaReview) => void;
}) {
  const id = useId();
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [picked, setPicked] = useState<Record<string, string>>({});
  const items = itemsOf(review);

  // A group and a button, not a <form>: the review step already sits inside the wizard's form.
  async function save() {
    const choices = choicesFrom(picked, items, review);
    if (Object.keys(choices.columns).length + Object.keys(choices.tables).length + choices.objects.length === 0) {
      setMessage("Choose what happens to at least one item.");
      return;
    }
    setSaving(true);
    setMessage(null);
    const result = await callAction(() => classifySchemaAction({ sandboxId, mode, choices }));
    setSaving(false);
    if (!result.ok) {
      setMessage(result.message);
      return;
    }
    setPicked({});
    onReviewed(result.data);
  }

  if (review.blockers.length) return <SupportProblems problems={review.blockers} />;
  if (items.length === 0) {
    return (
      <p className="text-sm text-slate-700" data-testid="schema-ready">
        Production has nothing the portal does not know: every table, column and other object is either the CRM&apos;s own or already classified.
      </p>
    );
  }
  return (
    <div role="group" aria-label="What happens to each unknown item" aria-describedby={`${id}-why`} className="space-y-4 rounded-md border border-amber-300 bg-amber-50 p-4" data-testid="schema-review">
      <div id={`${id}-why`} className="space-y-1 text-sm text-slate-800">
        <p>
          {companyName}&apos;s production has {items.length === 1 ? "1 item" : `${items.length} items`} the CRM does not define, such as custom fields.
          Nothing unknown is ever copied, so decide what happens to each one before you confirm.
        </p>
        <p>Your choices hold for every sandbox of {companyName}, now and at later refreshes, and are recorded in the audit log.</p>
      </div>
      {items.map((item) => (
        <ItemChoices key={item.key} item={item} name={`${id}-${item.key}`} picked={picked[item.key]} onPick={(choice) => setPicked((p) => ({ ...p, [item.key]: choice }))} />
      ))}
      <FormStatus message={message} testId="schema-review-error" />
      <button
        type="button"
        onClick={() => !saving && void save()}
        aria-disabled={saving || undefined}
        aria-busy={saving || undefined}
        className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 aria-disabled:opacity-60"
      >
        {saving ? "Saving your choices…" : "Save these choices"}
      </button>
    </div>
  );
}

/** What no classification can fix: support must act. */
function SupportProblems({ problems }: { problems: string[] }) {
  return (
    <div className="rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-900" data-testid="schema-blockers">
      <p className="font-semibold">Production has problems only support can solve, so it cannot be copied yet:</p>
      <ul className="mt-2 list-disc space-y-1 pl-5">
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}

const choiceWords = (item: Item, choice: string): string =>
  item.kind === "column" ? COLUMN_CHOICE[choice as ColumnTreatment] : item.kind === "table" ? TABLE_CHOICE[choice as TableTreatment] : OBJECT_CHOICE[choice as ObjectTreatment];

/** One unknown item with a radio per treatment it can take. */
function ItemChoices({ item, name, picked, onPick }: { item: Item; name: string; picked: string | undefined; onPick: (choice: string) => void }) {
  return (
    <fieldset className="rounded-md border border-slate-200 bg-white p-3">
      <legend className="px-1 text-sm font-medium">{item.label}</legend>
      {item.kind === "object" && item.executable && <p className="mb-1 text-xs text-slate-600">It runs code of its own, so it can only be left out.</p>}
      <div className="flex flex-col gap-1">
        {item.choices.map((choice) => (
          <label key={choice} className="flex items-center gap-2 text-sm">
            <input type="radio" name={name} value={choice} checked={picked === choice} onChange={() => onPick(choice)} className="h-4 w-4" />
            {choiceWords(item, choice)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
