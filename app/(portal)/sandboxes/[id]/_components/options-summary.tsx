import { sandboxOptionsSchema } from "@/lib/sanitizer/options";

/** The wizard's choices in words; kept tasks by name when the run's report has them, else how many. */
export function OptionsSummary({ options, keptTasks }: { options: unknown; keptTasks?: { name: string }[] }) {
  const parsed = sandboxOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) return <span className="text-slate-600">—</span>;
  const o = parsed.data;
  const documents = o.documents.mode === "none" ? "none" : o.documents.mode === "all" ? "all" : `since ${o.documents.since}`;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm">
      <dt className="text-slate-600">Users with access</dt>
      <dd>{o.users.length}</dd>
      <dt className="text-slate-600">E-mail domain</dt>
      <dd>{o.invalidationDomain}</dd>
      <dt className="text-slate-600">Tasks kept enabled</dt>
      <dd>
        {o.keepEnabledTaskIds.length === 0
          ? "none"
          : keptTasks
            ? keptTasks.map((t) => t.name).join(", ")
            : `${o.keepEnabledTaskIds.length} ${o.keepEnabledTaskIds.length === 1 ? "task" : "tasks"}`}
      </dd>
      <dt className="text-slate-600">Documents</dt>
      <dd>{documents}</dd>
      <dt className="text-slate-600">Service attachments</dt>
      <dd>{o.serviceAttachments ? "copied" : "not copied"}</dd>
      <dt className="text-slate-600">After copying</dt>
      <dd>{o.stateAfterCopy}</dd>
    </dl>
  );
}
