"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type ReactNode } from "react";
import type { ActionResult } from "@/lib/actions/safe-action";
import { callAction } from "@/lib/actions/call-action";
import { useAnnounce } from "@/components/page-announcer";

type Tone = "primary" | "secondary" | "danger";

const TONE_CLASS: Record<Tone, string> = {
  primary: "bg-brand-600 text-white hover:bg-brand-700",
  secondary: "border border-slate-300 bg-white text-slate-900 hover:bg-slate-50",
  danger: "bg-red-700 text-white hover:bg-red-800",
};

/** The look of these buttons, for one that runs no action of its own (a confirmation's first step). */
export const buttonClass = (tone: Tone) =>
  `rounded-md px-3 py-1.5 text-sm font-semibold disabled:cursor-not-allowed disabled:opacity-60 aria-disabled:cursor-not-allowed aria-disabled:opacity-60 ${TONE_CLASS[tone]}`;

/**
 * A button that runs one server action, says so while it runs, announces the
 * outcome in the page's status region (the button may be gone once the page is
 * refreshed) and refreshes the page's server data on success. While it runs it is
 * marked busy rather than disabled, so the keyboard's place stays on it.
 */
export function ActionButton<T>({
  action,
  children,
  done,
  tone = "primary",
  focusAfter,
  onDone,
}: {
  action: () => Promise<ActionResult<T>>;
  children: ReactNode;
  /** The sentence announced after success. */
  done?: (data: T) => string;
  tone?: Tone;
  /** Where the keyboard goes if the button is gone once the page is refreshed (components/page-announcer.tsx). */
  focusAfter?: string;
  /** Once it worked, with the sentence said (a question around the button can then go, and keep the outcome in view). */
  onDone?: (sentence: string) => void;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const announce = useAnnounce();

  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <button
        type="button"
        aria-disabled={pending || undefined}
        aria-busy={pending || undefined}
        onClick={() => {
          if (pending) return;
          startTransition(async () => {
            const result = await callAction(action);
            const text = result.ok ? (done?.(result.data) ?? "Done.") : result.message;
            setMessage({ ok: result.ok, text });
            announce(text, focusAfter);
            if (result.ok) {
              onDone?.(text);
              router.refresh();
            }
          });
        }}
        className={buttonClass(tone)}
      >
        {pending ? "Working…" : children}
      </button>
      <span data-testid="action-message" className={`text-sm ${message?.ok === false ? "text-red-700" : "text-green-800"}`}>
        {message?.text}
      </span>
    </span>
  );
}
