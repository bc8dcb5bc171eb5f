"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type ReactNode } from "react";
import type { ActionResult } from "@/lib/actions/safe-action";
import { callAction } from "@/lib/actions/call-action";

type Tone = "primary" | "secondary" | "danger";

const TONE_CLASS: Record<Tone, string> = {
  primary: "bg-brand-600 text-white hover:bg-brand-700",
  secondary: "border border-slate-300 bg-white text-slate-900 hover:bg-slate-50",
  danger: "bg-red-700 text-white hover:bg-red-800",
};

/** The look of the sandbox page's buttons, for one that runs no action of its own (a confirmation's first step). */
export const buttonClass = (tone: Tone) => `rounded-md px-3 py-1.5 text-sm font-semibold disabled:cursor-not-allowed disabled:opacity-60 ${TONE_CLASS[tone]}`;

/**
 * A button that runs one server action, says so while it runs, announces the
 * outcome in a live region and refreshes the page's server data on success.
 */
export function ActionButton<T>({
  action,
  children,
  done,
  tone = "primary",
}: {
  action: () => Promise<ActionResult<T>>;
  children: ReactNode;
  /** The sentence announced after success. */
  done?: (data: T) => string;
  tone?: Tone;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <button
        type="button"
        disabled={pending}
        aria-busy={pending || undefined}
        onClick={() =>
          startTransition(async () => {
            const result = await callAction(action);
            if (result.ok) {
              setMessage({ ok: true, text: done?.(result.data) ?? "Done." });
              router.refresh();
            } else {
              setMessage({ ok: false, text: result.message });
            }
          })
        }
        className={buttonClass(tone)}
      >
        {pending ? "Working…" : children}
      </button>
      <span aria-live="polite" className={`text-sm ${message?.ok === false ? "text-red-700" : "text-green-800"}`}>
        {message?.text}
      </span>
    </span>
  );
}
