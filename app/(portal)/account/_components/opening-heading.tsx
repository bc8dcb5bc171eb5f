"use client";

import { useEffect, useRef, type ReactNode } from "react";

/**
 * The heading of what appears where the button that asked for it was (a form, a key for the
 * app): the button is gone, so the keyboard goes here, and a screen reader says what opened.
 */
export function OpeningHeading({ id, children }: { id?: string; children: ReactNode }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <h3 id={id} ref={headingRef} tabIndex={-1} className="font-semibold">
      {children}
    </h3>
  );
}
