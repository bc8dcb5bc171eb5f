"use client";

import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from "react";

/** `focusAfter`: a selector for where the keyboard goes should the action's control be gone (its own section's heading). */
type Announce = (sentence: string, focusAfter?: string) => void;
const AnnounceContext = createContext<Announce>(() => undefined);

/** How long after an action the page looks for focus its refresh dropped. */
const FOCUS_WATCH_MS = 8_000;
const FOCUS_POLL_MS = 100;

/**
 * One status region for the whole page, always rendered, that a control's outcome is
 * said in. A control's own message goes when the refreshed page no longer shows the
 * control (a Retry button once the retry runs, a Revoke once the token is revoked),
 * and a region that appears already holding text is seldom read: this one is neither.
 *
 * Such a control also took the keyboard's place with it, leaving focus on the page's
 * body. After an announcement, focus that is lost goes to where the action asked
 * (`focusAfter`, such as its section's heading), else to what an action made (an
 * element marked `data-focus-after-action`, such as a run's progress), else to the
 * page's main heading.
 */
export function PageAnnouncer({ children }: { children: ReactNode }) {
  const [sentence, setSentence] = useState("");
  const watch = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const announce = useCallback<Announce>((next, focusAfter) => {
    // The same sentence twice (a second Retry) is said twice: empty first, then the words.
    setSentence("");
    requestAnimationFrame(() => setSentence(next));
    clearTimeout(watch.current);
    const until = Date.now() + FOCUS_WATCH_MS;
    const check = () => {
      if (focusLost()) return focusWhereTheActionLeads(focusAfter);
      if (Date.now() < until) watch.current = setTimeout(check, FOCUS_POLL_MS);
    };
    watch.current = setTimeout(check, FOCUS_POLL_MS);
  }, []);

  return (
    <AnnounceContext value={announce}>
      {children}
      <p role="status" className="sr-only" data-testid="page-announcement">
        {sentence}
      </p>
    </AnnounceContext>
  );
}

/** Says a sentence in the page's status region (and keeps the keyboard's place, see PageAnnouncer). */
export const useAnnounce = () => useContext(AnnounceContext);

function focusLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || !active.isConnected;
}

function focusWhereTheActionLeads(focusAfter: string | undefined): void {
  const target =
    (focusAfter ? document.querySelector<HTMLElement>(focusAfter) : null) ??
    document.querySelector<HTMLElement>("[data-focus-after-action]") ??
    document.querySelector<HTMLElement>("main h1");
  if (!target) return;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus();
}
