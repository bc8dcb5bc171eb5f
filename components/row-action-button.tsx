"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ActionResult } from "@/lib/actions/safe-action";
import { callAction } from "@/lib/actions/call-action";
import { useAnnounce } from "./page-announcer";

/**
 * A button in a table row that runs one server action (revoke a token, remove an
 * endpoint, replay an event), asking first when `confirm` is given. Its name is the
 * visible label followed by `context` for screen readers ("Revoke: release
 * pipeline"), so each row's button says whose it is and still matches what is seen.
 * The outcome is said in the page's status region: the button is often gone once
 * the page is refreshed (a revoked token has nothing left to revoke).
 */
export function RowActionButton({
  label,
  pendingLabel,
  context,
  done,
  confirm,
  danger = false,
  action,
  onDone,
}: {
  label: string;
  pendingLabel: string;
  context: string;
  /** The sentence said once it worked. */
  done: string;
  confirm?: string;
  danger?: boolean;
  action: () => Promise<ActionResult<unknown>>;
  /** Once it worked, before the page is refreshed (a question around it goes). */
  onDone?: () => void;
}) {
  const router = useRouter();
  const announce = useAnnounce();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    if (pending) return;
    if (confirm && !window.confirm(confirm)) return;
    setPending(true);
    setError(null);
    const result = await callAction(action);
    setPending(false);
    if (!result.ok) return setError(result.message);
    announce(done);
    onDone?.();
    router.refresh();
  }

  return (
    <>
      <button
        type="button"
        onClick={() => void run()}
        aria-disabled={pending || undefined}
        aria-busy={pending || undefined}
        className={`min-h-6 text-sm font-semibold underline aria-disabled:opacity-50 ${danger ? "text-red-700" : "text-brand-700"}`}
      >
        {pending ? pendingLabel : label}
        <span className="sr-only">: {context}</span>
      </button>
      {error && (
        <span role="alert" className="ml-2 text-sm text-red-700">
          {error}
        </span>
      )}
    </>
  );
}
