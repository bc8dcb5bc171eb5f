import { describeKind, PERSONAL_DATA_LABEL, STATE_AFTER_COPY_LABEL, sandboxOptionsSchema } from "@/lib/sanitizer/options";

/** Kept tasks by name where a report of this sandbox named them; the rest counted. */
function keptTasksInWords(ids: number[], names: ReadonlyMap<number, string>): string {
  if (ids.length === 0) return "none";
  const named = ids.flatMap((id) => names.get(id) ?? []);
  const unnamed = ids.length - named.length;
  if (named.length === 0) return `${unnamed} ${unnamed === 1 ? "task" : "tasks"}`;
  return unnamed === 0 ? named.join(", ") : `${named.join(", ")} and ${unnamed} more`;
}

/** The wizard's choices in words. */
export function OptionsSummary({ options, taskNames }: { options: unknown; taskNames: ReadonlyMap<number, string> }) {
  const parsed = sandboxOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) return <span className="text-slate-600">—</span>;
  const o = parsed.data;
  const documents = o.documents.mode === "none" ? "none" : o.documents.mode === "all" ? "all" : `since ${o.documents.since}`;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm">
      <dt className="text-slate-600">What it holds</dt>
      <dd>{describeKind(o)}</dd>
      <dt className="text-slate-600">Personal data</dt>
      <dd>{PERSONAL_DATA_LABEL[o.personalData]}</dd>
      <dt className="text-slate-600">Users with access</dt>
      <dd>{o.users.length}</dd>
      <dt className="text-slate-600">E-mail domain</dt>
      <dd>{o.invalidationDomain}</dd>
      <dt className="text-slate-600">Tasks kept enabled</dt>
      <dd>{keptTasksInWords(o.keepEnabledTaskIds, taskNames)}</dd>
      {o.kind !== "config" && (
        <>
          <dt className="text-slate-600">Documents</dt>
          <dd>{documents}</dd>
          <dt className="text-slate-600">Service attachments</dt>
          <dd>{o.serviceAttachments ? "copied" : "not copied"}</dd>
        </>
      )}
      <dt className="text-slate-600">After copying</dt>
      <dd>{STATE_AFTER_COPY_LABEL[o.stateAfterCopy]}</dd>
    </dl>
  );
}
