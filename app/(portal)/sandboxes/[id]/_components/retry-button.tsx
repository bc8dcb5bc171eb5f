"use client";

import { retryRunAction } from "@/lib/sandboxes/actions";
import { ActionButton } from "./action-button";

/** `checksFirst`: the failure would repeat as it was, so the retry checks production again before starting. */
export function RetryButton({ sandboxId, checksFirst = false }: { sandboxId: string; checksFirst?: boolean }) {
  return (
    <ActionButton action={() => retryRunAction({ sandboxId })} done={() => (checksFirst ? "Production matches now: retry started." : "Retry started.")}>
      {checksFirst ? "Check production and retry" : "Retry"}
    </ActionButton>
  );
}
