"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useTransition } from "react";
import { markNotificationsReadAction } from "@/lib/notifications/actions";
import { useWhen } from "@/components/time-zone";
import { callAction } from "@/lib/actions/call-action";

interface Item {
  id: string;
  message: string;
  link: string | null;
  createdAt: string;
  read: boolean;
}

/**
 * The notifications menu. It closes as a menu does: on Escape (the keyboard goes back to
 * its button), on a click outside, and when the keyboard leaves it, so that on a phone,
 * where it covers the page, it never hides the control that has focus.
 */
export function NotificationList({ items, unread }: { items: Item[]; unread: number }) {
  const when = useWhen();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const menu = useRef<HTMLDetailsElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const mark = (id?: string) => {
    if (pending) return;
    startTransition(async () => {
      const result = await callAction(() => markNotificationsReadAction(id ? { id } : {}));
      if (!result.ok) return;
      router.refresh();
      // The pressed "Mark read" is gone with the refresh: the keyboard waits on the panel's heading.
      heading.current?.focus();
    });
  };
  const close = (focusButton: boolean) => {
    const details = menu.current;
    if (!details?.open) return;
    details.open = false;
    if (focusButton) details.querySelector("summary")?.focus();
  };

  useEffect(() => {
    const clickedOutside = (event: PointerEvent) => {
      if (menu.current && !menu.current.contains(event.target as Node)) close(false);
    };
    document.addEventListener("pointerdown", clickedOutside);
    return () => document.removeEventListener("pointerdown", clickedOutside);
  }, []);

  return (
    // A notice is written by the run's follow-up, after the page that shows the
    // run has rendered: opening the menu fetches the list afresh.
    <details
      ref={menu}
      className="relative"
      data-testid="notifications"
      onToggle={(e) => e.currentTarget.open && router.refresh()}
      onKeyDown={(e) => {
        if (e.key === "Escape") close(true);
      }}
      onBlur={(e) => {
        // Focus moving to nothing (a click on the page's background) is the click-outside's to handle.
        if (e.relatedTarget && !e.currentTarget.contains(e.relatedTarget)) close(false);
      }}
    >
      <summary className="cursor-pointer list-none whitespace-nowrap rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50">
        Notifications
        {unread > 0 && (
          <span className="ml-1.5 rounded-full bg-brand-600 px-1.5 py-0.5 text-xs font-semibold text-white">
            {unread}
            <span className="sr-only"> unread</span>
          </span>
        )}
      </summary>
      {/* On a phone the bell need not sit at the right edge: the panel spans the screen instead of hanging off it. */}
      <div className="fixed inset-x-2 z-20 mt-2 max-h-[70vh] overflow-y-auto rounded-lg border border-slate-200 bg-white p-3 shadow-lg sm:absolute sm:inset-x-auto sm:right-0 sm:w-80">
        <div className="flex items-center justify-between">
          <h2 ref={heading} tabIndex={-1} className="text-sm font-semibold">
            Notifications
          </h2>
          {unread > 0 && (
            <button type="button" aria-disabled={pending || undefined} onClick={() => mark()} className="min-h-6 text-xs font-medium text-brand-700 underline aria-disabled:opacity-60">
              Mark all read
            </button>
          )}
        </div>
        {items.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">Nothing yet.</p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-100 text-sm">
            {items.map((n) => (
              <li key={n.id} className="py-2">
                <p className={n.read ? "text-slate-600" : "font-medium"}>
                  {n.link ? (
                    <Link href={n.link} onClick={() => !n.read && mark(n.id)} className="underline">
                      {n.message}
                    </Link>
                  ) : (
                    n.message
                  )}
                </p>
                <p className="flex items-center justify-between text-xs text-slate-600">
                  <span>{when(n.createdAt)}</span>
                  {!n.read && (
                    <button type="button" aria-disabled={pending || undefined} onClick={() => mark(n.id)} className="min-h-6 min-w-6 px-1 text-brand-700 underline aria-disabled:opacity-60">
                      Mark read<span className="sr-only">: {n.message}</span>
                    </button>
                  )}
                </p>
              </li>
            ))}
          </ul>
        )}
        <p className="mt-2 border-t border-slate-100 pt-2 text-xs">
          <Link href="/account#mail-notices-heading" onClick={() => close(false)} className="text-brand-700 underline">
            Mailed to you too? Choose on your account page
          </Link>
        </p>
      </div>
    </details>
  );
}
