import { auditDetailLines } from "@/lib/audit/details";

/** An event's details, folded away: readable key/value lines that wrap, never a line of raw JSON. */
export function AuditDetails({ details, actorEmail }: { details: unknown; actorEmail: string | null }) {
  const lines = auditDetailLines(details);
  if (actorEmail) lines.unshift({ key: "by", value: actorEmail });
  if (lines.length === 0) return null;
  return (
    <details className="mt-1 text-slate-700">
      <summary className="cursor-pointer text-xs text-brand-700 underline">Details</summary>
      <dl className="mt-1 grid grid-cols-1 gap-x-3 text-xs sm:grid-cols-[max-content_1fr]">
        {lines.map((line) => (
          <div key={line.key} className="contents">
            <dt className="font-medium [overflow-wrap:anywhere]">{line.key}</dt>
            <dd className="mb-1 [overflow-wrap:anywhere] sm:mb-0">{line.value}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
