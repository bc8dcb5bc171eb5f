"use client";

import { useState } from "react";
import { formatWhen } from "@/lib/format";

/** The new token, this once: copy it now, it is kept only as a hash. */
export function NewTokenShown({ name, token, expiresAt }: { name: string; token: string; expiresAt: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <section aria-labelledby="new-token-heading" className="rounded-md border border-brand-200 bg-brand-50 p-4" data-testid="new-token">
      <h3 id="new-token-heading" className="font-semibold text-brand-900">
        “{name}” is ready
      </h3>
      <p className="mt-1 text-sm text-brand-900">Copy it now: it is shown only this once. It works until {formatWhen(new Date(expiresAt))}.</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code className="min-w-0 break-all rounded bg-white px-2 py-1 font-mono text-sm" data-testid="new-token-value">
          {token}
        </code>
        <button
          type="button"
          className="rounded-md border border-brand-600 px-3 py-1 text-sm font-semibold text-brand-700 hover:bg-white"
          onClick={() => void navigator.clipboard?.writeText(token).then(() => setCopied(true), () => setCopied(false))}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </section>
  );
}
