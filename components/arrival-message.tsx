"use client";

import { useEffect, useRef, type ReactNode } from "react";

/**
 * What the action that led here did ("Order filed"), said as the page arrives. A
 * live region that comes with the page is seldom read, and the route's own
 * announcement says only the title: the message takes the keyboard's place instead.
 */
export function ArrivalMessage({ children, testId }: { children: ReactNode; testId: string }) {
  const message = useRef<HTMLParagraphElement>(null);
  useEffect(() => message.current?.focus(), []);
  return (
    <p ref={message} tabIndex={-1} className="mt-4 rounded-md bg-green-50 p-3 text-sm text-green-900" data-testid={testId}>
      {children}
    </p>
  );
}
