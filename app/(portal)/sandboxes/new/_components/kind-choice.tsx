import { useId } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { FieldError } from "@/components/field";
import { formatBytes, formatEstimate } from "@/lib/format";
import { kindHolds, kindOffers } from "@/lib/sandboxes/kind-sizes";
import { KIND_LABEL, SANDBOX_KINDS } from "@/lib/sanitizer/options";
import type { EstimateState } from "./estimate-panel";

/** The kinds a sandbox can be ordered as, each with what it holds and, once production is measured, its size and duration. */
export function KindChoice({ estimate, registration, error }: { estimate: EstimateState; registration: UseFormRegisterReturn; error?: string }) {
  const errorId = useId();
  const offers =
    estimate.state === "ready"
      ? kindOffers(estimate.footprint, estimate.throughput)
      : SANDBOX_KINDS.map((kind) => ({ kind, label: KIND_LABEL[kind], holds: kindHolds(kind), rows: null, bytes: null, seconds: null }));
  return (
    <fieldset aria-describedby={error ? errorId : undefined}>
      <legend className="text-sm font-medium text-slate-800">What the sandbox holds</legend>
      <p className="text-sm text-slate-600">Whoever sets the sandbox up can still change this in the setup.</p>
      <div className="mt-2 space-y-2 text-sm">
        {offers.map((o) => (
          <label key={o.kind} className="flex items-start gap-2">
            <input type="radio" value={o.kind} {...registration} className="mt-0.5 h-4 w-4" />
            <span>
              <strong>{o.label}</strong>: {o.holds}
              {o.rows !== null && (
                <span className="text-slate-600" data-testid={`kind-size-${o.kind}`}>
                  {" "}
                  (about {o.rows.toLocaleString("en-GB")} rows, {formatBytes(o.bytes)}, {formatEstimate(o.seconds * 1000)})
                </span>
              )}
            </span>
          </label>
        ))}
      </div>
      <FieldError id={errorId}>{error}</FieldError>
    </fieldset>
  );
}
