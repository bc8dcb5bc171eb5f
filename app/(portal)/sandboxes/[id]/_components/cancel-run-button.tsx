"use client";

import type { RunKind } from "@/lib/generated/portal/enums";
import { cancelRunAction } from "@/lib/sandboxes/actions";
import { RUN_NOUN } from "@/lib/sandboxes/labels";
import { ActionButton } from "./action-button";

/** Cancels the sandbox's run while it waits to start; one that has started goes on, and the button says so. */
export function CancelRunButton({ sandboxId, kind }: { sandboxId: string; kind: RunKind }) {
  return (
    <ActionButton tone="secondary" action={() => cancelRunAction({ sandboxId })} done={() => "Cancelled before it started."}>
      Cancel this {RUN_NOUN[kind]}
    </ActionButton>
  );
}
