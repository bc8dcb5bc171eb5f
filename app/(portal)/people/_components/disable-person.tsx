"use client";

import { useEffect, useRef, useState } from "react";
import { RowActionButton } from "@/components/row-action-button";
import { disablePersonAction } from "@/lib/people/actions";

const LINK_CLASS = "min-h-6 text-sm font-semibold underline";

/**
 * Disabling a person asks first, in the row itself (as stopping a copy does on the sandbox
 * page), not in the browser's confirm(): the question stands beside whose account it is and
 * says what follows, in the page's own reading order. The keyboard goes to the question,
 * and back to "Disable" when it is not. Once disabled, the refreshed row offers "Enable"
 * instead, and the page announcer puts the keyboard on the page's heading.
 */
export function DisablePerson({ id, name }: { id: string; name: string }) {
  const [asking, setAsking] = useState(false);
  const everAsked = useRef(false);
  const question = useRef<HTMLSpanElement>(null);
  const disable = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (asking) question.current?.focus();
    else if (everAsked.current) disable.current?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <button
        ref={disable}
        type="button"
        onClick={() => {
          everAsked.current = true;
          setAsking(true);
        }}
        className={`${LINK_CLASS} text-red-700`}
      >
        Disable
        <span className="sr-only">: {name}</span>
      </button>
    );
  }
  return (
    <span ref={question} tabIndex={-1} role="group" aria-label={`Disable ${name}?`} className="inline-flex flex-wrap items-center gap-x-3 gap-y-1">
      <span className="text-sm">They can no longer sign in: their sessions end, and their API tokens are revoked.</span>
      <RowActionButton
        label="Yes, disable"
        pendingLabel="Disabling…"
        context={name}
        done={`${name} is disabled: they can no longer sign in.`}
        danger
        action={() => disablePersonAction({ userId: id })}
      />
      <button type="button" onClick={() => setAsking(false)} className={`${LINK_CLASS} text-brand-700`}>
        Keep enabled
        <span className="sr-only">: {name}</span>
      </button>
    </span>
  );
}
