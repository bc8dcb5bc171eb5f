"use client";

import { cancelRunAction } from "@/lib/sandboxes/actions";
import { ActionButton } from "./action-button";

const WHAT: Record<string, string> = { PROVISION: "creation", REFRESH: "refresh", DELETE: "deletion" };

/** Cancels the sandbox's run while it waits to start; one that has started goes on, and the button says so. */
export function CancelRunButton({ sandboxId, kind }: { sandboxId: string; kind: string }) {
  return (
    <ActionButton tone="secondary" action={() => cancelRunAction({ sandboxId })} done={() => "Cancelled before it started."}>
      Cancel this {WHAT[kind] ?? "run"}
    </ActionButton>
  );
}
