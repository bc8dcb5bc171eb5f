"use client";

import { useState } from "react";
import type { RunKind } from "@/lib/generated/portal/enums";
import { cancelRunAction } from "@/lib/sandboxes/actions";
import { RUN_NOUN } from "@/lib/sandboxes/labels";
import { ActionButton, buttonClass } from "@/components/action-button";

/**
 * Cancels the sandbox's run. One that waits to start ends at once. A copy under way is
 * stopped, which throws away the work done so far, so it asks first.
 */
export function CancelRunButton({ sandboxId, kind, running }: { sandboxId: string; kind: RunKind; running: boolean }) {
  const [confirming, setConfirming] = useState(false);
  if (!running) {
    return (
      <ActionButton tone="secondary" action={() => cancelRunAction({ sandboxId, onlyIfQueued: true })} done={() => "Cancelled before it started."}>
        Cancel this {RUN_NOUN[kind]}
      </ActionButton>
    );
  }
  if (!confirming) {
    return (
      <button type="button" onClick={() => setConfirming(true)} className={buttonClass("secondary")}>
        Stop this {RUN_NOUN[kind]}
      </button>
    );
  }
  return (
    <span role="group" aria-label={`Stop this ${RUN_NOUN[kind]}?`} className="inline-flex flex-wrap items-center gap-2">
      <span>Stop it? What it has copied so far is thrown away.</span>
      <ActionButton tone="danger" action={() => cancelRunAction({ sandboxId })} done={(outcome) => (outcome.state === "cancelled" ? "Cancelled before it started." : "Stopping: it ends within seconds.")}>
        Yes, stop the {RUN_NOUN[kind]}
      </ActionButton>
      <button type="button" onClick={() => setConfirming(false)} className="rounded-md px-3 py-1.5 text-sm font-medium text-brand-700 underline">
        Let it go on
      </button>
    </span>
  );
}
