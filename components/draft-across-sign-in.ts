"use client";

import { useEffect, useState } from "react";
import type { FieldValues, UseFormReturn } from "react-hook-form";
import type { ZodType } from "zod";

/**
 * A form's input kept while its person signs in again. A token is made only within
 * minutes of signing in (lib/auth/recent-sign-in.ts), and whoever took longer than
 * that to fill the form should not have to fill it again. The input waits in this
 * tab's sessionStorage, under the person's id (another person signing in on the tab
 * never sees it), and is taken back once. Only forms with nothing secret in them
 * use this: a token's name, lifetime and scopes.
 */
export function keepDraft(key: string, values: unknown): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(values));
  } catch {
    // Storage full or turned off: the person fills the form again, as before.
  }
}

/** Puts a kept draft back into the form once, if it is still valid; true while it came back. */
export function useRestoredDraft<T extends FieldValues>(key: string, schema: ZodType, form: UseFormReturn<T>): boolean {
  const [restored, setRestored] = useState(false);
  const { reset } = form;
  useEffect(() => {
    const draft = takeDraft(key, schema);
    if (draft === null) return;
    reset(draft as T);
    // sessionStorage is there only in the browser, after hydration: the effect is where it can be read.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setRestored(true);
  }, [key, schema, reset]);
  return restored;
}

function takeDraft(key: string, schema: ZodType): unknown {
  try {
    const kept = sessionStorage.getItem(key);
    if (kept === null) return null;
    sessionStorage.removeItem(key);
    const parsed = schema.safeParse(JSON.parse(kept));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
