"use client";

import { useEffect, useRef, useState } from "react";
import { RowActionButton } from "@/components/row-action-button";
import type { ActionResult } from "@/lib/actions/safe-action";

const LINK_CLASS = "min-h-6 text-sm font-semibold underline";

/**
 * A change to a person that asks first, in the row itself (as stopping a copy does on the
 * sandbox page), not in the browser's confirm(): the question stands beside whose account
 * it is and says what follows, in the page's own reading order. The keyboard goes to the
 * question, and back to the first button once it is answered, "no" or "yes" (then the
 * refreshed row turns that button the other way, a role's, or replaces it, and the page
 * announcer keeps the keyboard's place). The announcer says what changed.
 */
export function AskInRow({
  name,
  label,
  question,
  consequence,
  yes,
  pendingLabel,
  no,
  done,
  danger = false,
  action,
}: {
  /** Whose row: said to screen readers after each button's label. */
  name: string;
  label: string;
  /** The question's name, for screen readers: "Disable Jane Doe?". */
  question: string;
  /** What follows, said beside the answer buttons. */
  consequence: string;
  yes: string;
  pendingLabel: string;
  no: string;
  done: string;
  danger?: boolean;
  action: () => Promise<ActionResult<unknown>>;
}) {
  // Asked for this label only, and until answered: a label that turns later (another admin's
  // change, then a refresh) never brings an old question back by itself.
  const [askedFor, setAskedFor] = useState<string | null>(null);
  const asking = askedFor === label;
  const everAsked = useRef(false);
  const group = useRef<HTMLSpanElement>(null);
  const opener = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (asking) group.current?.focus();
    else if (everAsked.current) opener.current?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <button
        ref={opener}
        type="button"
        onClick={() => {
          everAsked.current = true;
          setAskedFor(label);
        }}
        className={`${LINK_CLASS} ${danger ? "text-red-700" : "text-brand-700"}`}
      >
        {label}
        <span className="sr-only">: {name}</span>
      </button>
    );
  }
  return (
    <span ref={group} tabIndex={-1} role="group" aria-label={question} className="inline-flex flex-wrap items-center gap-x-3 gap-y-1">
      <span className="text-sm">{consequence}</span>
      <RowActionButton label={yes} pendingLabel={pendingLabel} context={name} done={done} danger={danger} action={action} onDone={() => setAskedFor(null)} />
      <button type="button" onClick={() => setAskedFor(null)} className={`${LINK_CLASS} text-brand-700`}>
        {no}
        <span className="sr-only">: {name}</span>
      </button>
    </span>
  );
}
