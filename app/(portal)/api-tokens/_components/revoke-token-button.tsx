"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { revokeTokenAction } from "@/lib/api-tokens/actions";

/** Revoking asks once; the token stops working on its next request. */
export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function revoke() {
    if (!window.confirm(`Revoke “${name}”? Pipelines using it stop working at once.`)) return;
    setPending(true);
    setError(null);
    const result = await revokeTokenAction({ id });
    setPending(false);
    if (!result.ok) return setError(result.message);
    router.refresh();
  }

  return (
    <>
      <button type="button" onClick={() => void revoke()} disabled={pending} className="text-sm font-semibold text-red-700 underline disabled:opacity-50" aria-label={`Revoke ${name}`}>
        {pending ? "Revoking…" : "Revoke"}
      </button>
      {error && (
        <span role="alert" className="ml-2 text-sm text-red-700">
          {error}
        </span>
      )}
    </>
  );
}
