"use client";

import { retryRunAction } from "@/lib/sandboxes/actions";
import { ActionButton } from "./action-button";

export function RetryButton({ sandboxId }: { sandboxId: string }) {
  return (
    <ActionButton action={() => retryRunAction({ sandboxId })} done={() => "Retry started."}>
      Retry
    </ActionButton>
  );
}
