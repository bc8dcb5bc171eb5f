"use client";

import { useState } from "react";
import { ActionButton, buttonClass } from "@/components/action-button";
import { retryRecentFailuresAction } from "@/lib/operations/actions";
import type { RetriedFailures } from "@/lib/operations/retry-failures";

const runs = (n: number) => (n === 1 ? "1 run" : `${n} runs`);

/** What a press did, in one sentence: what was retried, and what had changed meanwhile. */
function retriedWords(o: RetriedFailures): string {
  return [
    `Retried ${runs(o.retried)}: each is queued with its own choices.`,
    o.refused > 0 ? `${runs(o.refused)} had changed meanwhile (a run started, or the sandbox was deleted) and ${o.refused === 1 ? "was" : "were"} left as ${o.refused === 1 ? "it is" : "they are"}.` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

/**
 * Retries, after asking, the sandboxes shown (lib/operations/retry-failures.ts): the action
 * retries those still failed as they were, never more than asked. The outcome stays in view
 * once the count is gone.
 */
export function RetryFailures({ sandboxIds }: { sandboxIds: string[] }) {
  const [asking, setAsking] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);
  const count = sandboxIds.length;
  if (count === 0 && !outcome) return null;
  return (
    <div className="mt-2 flex flex-wrap items-center gap-3 text-sm">
      {count > 0 && !asking && (
        <button type="button" onClick={() => setAsking(true)} className={buttonClass("secondary")}>
          Retry {count === 1 ? "it" : `these ${count}`}
        </button>
      )}
      {count > 0 && asking && (
        <span role="group" aria-label={`Retry ${runs(count)}?`} className="inline-flex flex-wrap items-center gap-2">
          <span>Each is queued again with the choices it failed with, and its customer is told how it ends.</span>
          <ActionButton
            action={() => retryRecentFailuresAction({ sandboxIds })}
            done={retriedWords}
            focusAfter="#failures-heading"
            onDone={(sentence) => {
              setOutcome(sentence);
              setAsking(false);
            }}
          >
            Yes, retry {runs(count)}
          </ActionButton>
          <button type="button" onClick={() => setAsking(false)} className="rounded-md px-3 py-1.5 font-medium text-brand-700 underline">
            Not now
          </button>
        </span>
      )}
      {outcome && !asking && <p data-testid="retry-outcome" className="text-green-800">{outcome}</p>}
    </div>
  );
}
