"use client";

import { useId, useState, type ReactNode } from "react";

/**
 * On a phone, what would fill the screen before the list it serves (a list's filters)
 * folds away behind one button; it starts open while any of it is in use. Wider screens
 * always show it, with no button.
 */
export function FoldOnPhones({ label, startOpen, children }: { label: string; startOpen: boolean; children: ReactNode }) {
  const [open, setOpen] = useState(startOpen);
  const id = useId();
  return (
    <div className="mt-4">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 sm:hidden"
      >
        {label}
        <span aria-hidden="true"> {open ? "▴" : "▾"}</span>
      </button>
      <div id={id} className={open ? "max-sm:mt-3" : "max-sm:hidden"}>
        {children}
      </div>
    </div>
  );
}
