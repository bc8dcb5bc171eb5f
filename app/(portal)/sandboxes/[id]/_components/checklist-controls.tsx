"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { fixChecklistItemAction, tickChecklistItemAction } from "@/lib/checklist/actions";
import type { ChecklistFix, ChecklistTickItem } from "@/lib/checklist/schema";
import { ActionButton } from "@/components/action-button";
import { callAction } from "@/lib/actions/call-action";

export function FixButton({ sandboxId, fix, children }: { sandboxId: string; fix: ChecklistFix; children: string }) {
  return (
    <ActionButton
      tone="secondary"
      // Fixed, the item needs no button: the keyboard stays in the checklist.
      focusAfter="#checklist-heading"
      action={() => fixChecklistItemAction({ sandboxId, fix })}
      done={(changed) => `Done: ${Object.entries(changed).map(([k, v]) => `${v} ${k}`).join(", ") || "nothing to change"}.`}
    >
      {children}
    </ActionButton>
  );
}

/** A manual tick, saved at once. */
export function TickBox({ sandboxId, item, ticked, disabled, children }: { sandboxId: string; item: ChecklistTickItem; ticked: boolean; disabled: boolean; children: string }) {
  const router = useRouter();
  const id = useId();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  // The box shows what is saved: the user's click until the server refuses it or the page
  // brings the saved state (theirs, or another admin's since), whichever comes first.
  const [clicked, setClicked] = useState<{ value: boolean; over: boolean } | null>(null);
  const checked = clicked && clicked.over === ticked ? clicked.value : ticked;
  return (
    <div>
      <div className="flex items-start gap-2">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          disabled={disabled}
          // Busy, not disabled, while it saves: a disabled box would drop the keyboard's place.
          aria-busy={pending || undefined}
          onChange={(event) => {
            if (pending) return;
            const next = event.currentTarget.checked;
            setClicked({ value: next, over: ticked });
            startTransition(async () => {
              const result = await callAction(() => tickChecklistItemAction({ sandboxId, item, ticked: next }));
              if (result.ok) {
                setError(null);
                router.refresh();
              } else {
                setClicked(null);
                setError(result.message);
              }
            });
          }}
          className="mt-1 size-4"
        />
        <label htmlFor={id} className="text-sm">
          {children}
        </label>
      </div>
      <p aria-live="polite" className="text-sm text-red-700">
        {error}
      </p>
    </div>
  );
}
