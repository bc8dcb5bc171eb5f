"use client";

import { useEffect, useRef, useState } from "react";
import { useAnnounce } from "./page-announcer";

/**
 * A secret shown this once (a new API token, a webhook's signing secret, recovery codes:
 * `value` as lines, copied one a line), with a Copy button. It takes the keyboard's place
 * as it appears, so a screen reader says its heading and cannot miss what will not be
 * shown again.
 */
export function ShownOnce({ heading, note, value, testId }: { heading: string; note: string; value: string | string[]; testId: string }) {
  const copyText = Array.isArray(value) ? value.join("\n") : value;
  const [copied, setCopied] = useState(false);
  const announce = useAnnounce();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [value]);
  return (
    <section aria-labelledby={`${testId}-heading`} className="rounded-md border border-brand-200 bg-brand-50 p-4" data-testid={testId}>
      <h3 id={`${testId}-heading`} ref={headingRef} tabIndex={-1} className="font-semibold text-brand-900">
        {heading}
      </h3>
      <p className="mt-1 text-sm text-brand-900">{note}</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        {Array.isArray(value) ? (
          <ul className="grid min-w-0 gap-x-6 gap-y-1 rounded bg-white px-3 py-2 font-mono text-sm sm:grid-cols-2" data-testid={`${testId}-value`}>
            {value.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        ) : (
          <code className="min-w-0 break-all rounded bg-white px-2 py-1 font-mono text-sm" data-testid={`${testId}-value`}>
            {value}
          </code>
        )}
        <button
          type="button"
          className="rounded-md border border-brand-600 px-3 py-1 text-sm font-semibold text-brand-700 hover:bg-white"
          onClick={() =>
            void navigator.clipboard?.writeText(copyText).then(
              () => {
                setCopied(true);
                announce("Copied to the clipboard.");
              },
              () => {
                setCopied(false);
                announce("It could not be copied: select it and copy it yourself.");
              },
            )
          }
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </section>
  );
}
