"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { refreshSandboxAction } from "@/lib/sandboxes/actions";
import { callAction } from "@/lib/actions/call-action";
import { useAnnounce } from "@/components/page-announcer";
import { SECONDARY_BUTTON } from "@/components/button-styles";

/** Explains what a refresh does and starts one with the saved choices only after an explicit confirmation. */
export function RefreshDialog({ sandboxId, sandboxName }: { sandboxId: string; sandboxName: string }) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const announce = useAnnounce();

  const confirm = () => {
    if (pending) return;
    startTransition(async () => {
      const result = await callAction(() => refreshSandboxAction({ sandboxId }));
      if (result.ok) {
        dialog.current?.close();
        announce("Refresh started.");
        router.refresh();
      } else {
        setError(result.message);
      }
    });
  };

  return (
    <>
      <button
        type="button"
        onClick={() => {
          setError(null);
          dialog.current?.showModal();
        }}
        className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-700"
      >
        Refresh now with saved choices
      </button>
      <dialog ref={dialog} aria-labelledby="refresh-title" className="m-auto max-w-lg rounded-lg p-6 shadow-xl backdrop:bg-slate-900/50">
        <h2 id="refresh-title" className="text-lg font-semibold">
          Refresh “{sandboxName}”?
        </h2>
        <ul className="mt-3 list-disc space-y-1 pl-5 text-sm text-slate-800">
          <li>The sandbox is overwritten with a new copy of production, sanitized with the choices saved last time.</li>
          <li>Changes made in the sandbox are lost, except app authorizations and webhooks created in the sandbox: those are kept.</li>
          <li>The current copy stays ready and usable until the new one has been verified; then the sandbox switches over.</li>
        </ul>
        <p aria-live="polite" className="mt-3 text-sm text-red-700">
          {error}
        </p>
        <div className="mt-5 flex justify-end gap-3">
          <button type="button" onClick={() => dialog.current?.close()} className={SECONDARY_BUTTON}>
            Cancel
          </button>
          <button
            type="button"
            onClick={confirm}
            aria-disabled={pending || undefined}
            aria-busy={pending || undefined}
            className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-700 aria-disabled:opacity-60"
          >
            {pending ? "Starting…" : "Yes, refresh the sandbox"}
          </button>
        </div>
      </dialog>
    </>
  );
}
