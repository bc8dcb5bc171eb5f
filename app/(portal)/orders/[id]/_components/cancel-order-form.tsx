"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { CheckboxField } from "@/components/checkbox-field";
import { FormStatus } from "@/components/form-status";
import { TextareaField } from "@/components/textarea-field";
import { cancelOrderAction } from "@/lib/orders/actions";
import { callAction } from "@/lib/actions/call-action";

/** Cancelling an open order: one confirmation, an optional reason the other side reads. */
export function CancelOrderForm({ sandboxId, name }: { sandboxId: string; name: string }) {
  const router = useRouter();
  const [reason, setReason] = useState("");
  const [sure, setSure] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function cancel() {
    setError(null);
    if (!sure) return setError("Tick the box to confirm the cancellation.");
    setPending(true);
    const result = await callAction(() => cancelOrderAction({ sandboxId, reason }));
    setPending(false);
    if (!result.ok) return setError(result.message);
    router.push("/orders?cancelled=1");
  }

  return (
    <div className="space-y-3">
      <TextareaField label="Reason (optional)" hint="Shown to the other side in the cancellation notice." value={reason} onChange={(e) => setReason(e.target.value)} rows={2} maxLength={500} />
      <CheckboxField label={`Cancel the order for “${name}”: nothing has been copied, and its name becomes free`} checked={sure} onChange={(e) => setSure(e.target.checked)} />
      <FormStatus message={error} testId="cancel-order-error" />
      <button
        type="button"
        onClick={() => !pending && void cancel()}
        aria-disabled={pending || undefined}
        aria-busy={pending || undefined}
        className="rounded-md border border-red-300 bg-white px-4 py-2 text-sm font-semibold text-red-800 hover:bg-red-50 aria-disabled:opacity-60"
      >
        {pending ? "Cancelling…" : "Cancel the order"}
      </button>
    </div>
  );
}
