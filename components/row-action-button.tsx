"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ActionResult } from "@/lib/actions/safe-action";
import { callAction } from "@/lib/actions/call-action";

/**
 * A button in a table row that runs one server action (revoke a token, remove an
 * endpoint, replay an event), asking first when `confirm` is given, and says why
 * when the server refuses.
 */
export function RowActionButton({
  label,
  pendingLabel,
  accessibleLabel,
  confirm,
  danger = false,
  action,
}: {
  label: string;
  pendingLabel: string;
  accessibleLabel: string;
  confirm?: string;
  danger?: boolean;
  action: () => Promise<ActionResult<unknown>>;
}) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    if (confirm && !window.confirm(confirm)) return;
    setPending(true);
    setError(null);
    const result = await callAction(action);
    setPending(false);
    if (!result.ok) return setError(result.message);
    router.refresh();
  }

  return (
    <>
      <button
        type="button"
        onClick={() => void run()}
        disabled={pending}
        className={`text-sm font-semibold underline disabled:opacity-50 ${danger ? "text-red-700" : "text-brand-700"}`}
        aria-label={accessibleLabel}
      >
        {pending ? pendingLabel : label}
      </button>
      {error && (
        <span role="alert" className="ml-2 text-sm text-red-700">
          {error}
        </span>
      )}
    </>
  );
}
