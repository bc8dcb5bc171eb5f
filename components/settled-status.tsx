"use client";

import { useEffect, useState } from "react";

/** How long the words must stay the same before they are said: a pause in typing. */
const SETTLE_MS = 700;

/**
 * A count that follows typing ("12 of 240 people match"), said to a screen reader
 * once the typing pauses rather than at every key, which would drown out the letters
 * being typed. The visible count beside it is not a live region.
 */
export function SettledStatus({ text }: { text: string }) {
  const [said, setSaid] = useState(text);
  useEffect(() => {
    const settle = setTimeout(() => setSaid(text), SETTLE_MS);
    return () => clearTimeout(settle);
  }, [text]);
  return (
    <span role="status" className="sr-only">
      {said}
    </span>
  );
}
