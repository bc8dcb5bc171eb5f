import { estimateSeconds, throughputBasisText, type ProductionFootprint, type Throughput } from "@/lib/sandboxes/estimate";
import { kindSize } from "@/lib/sandboxes/kind-sizes";
import { KIND_LABEL, type SandboxKind } from "@/lib/sanitizer/options";
import { formatBytes, formatEstimate } from "@/lib/format";

export type EstimateState =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "ready"; footprint: ProductionFootprint; throughput: Throughput };

/** Production's size and the expected duration of a copy of the chosen kind, shown before the order is filed. */
export function EstimatePanel({ estimate, kind }: { estimate: EstimateState; kind: SandboxKind }) {
  return (
    <section aria-labelledby="estimate-heading" className="rounded-lg border border-slate-200 bg-white p-4" data-testid="estimate">
      <h2 id="estimate-heading" className="text-base font-semibold">
        Size and expected duration
      </h2>
      <div aria-live="polite" className="mt-2 text-sm">
        {estimate.state === "idle" && <p className="text-slate-600">Choose a customer to see their production database size.</p>}
        {estimate.state === "loading" && <p className="text-slate-600">Measuring the production database…</p>}
        {estimate.state === "error" && <p className="text-red-700">{estimate.message}</p>}
        {estimate.state === "ready" && (
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
            <dt className="text-slate-600">Production database</dt>
            <dd data-testid="production-size">{formatBytes(estimate.footprint.databaseBytes)}</dd>
            <dt className="text-slate-600">Documents and Service attachments</dt>
            <dd>
              {formatBytes(estimate.footprint.documentBytes + estimate.footprint.attachmentBytes)} (not copied unless you choose so in the
              setup)
            </dd>
            <dt className="text-slate-600">Estimated duration ({KIND_LABEL[kind].toLowerCase()})</dt>
            <dd data-testid="estimated-duration">
              {formatEstimate(estimateSeconds(kindSize(estimate.footprint, kind).bytes, estimate.throughput) * 1000)}{" "}
              <span className="text-slate-600">({throughputBasisText(estimate.throughput)})</span>
            </dd>
          </dl>
        )}
      </div>
    </section>
  );
}
