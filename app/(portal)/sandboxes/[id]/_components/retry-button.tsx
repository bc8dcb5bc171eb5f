"use client";

import { retryRunAction } from "@/lib/sandboxes/actions";
import { ActionButton } from "@/components/action-button";

/**
 * `checksFirst`: the failure would repeat as it was, so the retry checks production again before starting.
 * `again`: the run was cancelled, not failed, so it is started again rather than retried.
 */
export function RetryButton({ sandboxId, checksFirst = false, again = false }: { sandboxId: string; checksFirst?: boolean; again?: boolean }) {
  const label = again ? "Start it again" : checksFirst ? "Check production and retry" : "Retry";
  const done = again ? "Started again." : checksFirst ? "Production matches now: retry started." : "Retry started.";
  return (
    <ActionButton action={() => retryRunAction({ sandboxId })} done={() => done}>
      {label}
    </ActionButton>
  );
}
