import Link from "next/link";
import type { ReactNode } from "react";
import { ROLE_LABEL, type Actor } from "@/lib/auth/policy";
import { navigationFor } from "@/lib/auth/navigation";
import { NavLinks } from "./nav-links";
import { NotificationBell } from "./notification-bell";
import { PageAnnouncer } from "./page-announcer";
import { SignOutButton, SignOutEverywhereButton } from "./sign-out-button";

/** The signed-in frame: who you are (a link to your account), your tenant and role, the navigation your role has, sign-out. */
export function AppShell({ actor, children }: { actor: Actor; children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <Link href="/" className="text-lg font-semibold text-brand-900">
            Sandbox Portal
          </Link>
          {/* Wraps under the name on a phone: who you are on one line, the buttons on the next. */}
          <div className="flex min-w-0 flex-wrap items-center justify-end gap-2 text-sm sm:gap-4">
            <div className="min-w-0 text-right" data-testid="who-am-i">
              <p className="font-medium">
                {/* The visible name first in the link's name (WCAG 2.5.3), then where it leads. */}
                <Link href="/account" aria-label={`${actor.name}: your account`} className="underline decoration-slate-300 underline-offset-4 hover:decoration-brand-700">
                  {actor.name}
                </Link>
              </p>
              <p className="text-slate-600">
                <span>{ROLE_LABEL[actor.role]}</span>
                {actor.tenantName && (
                  <>
                    {" · "}
                    <span>
                      {actor.tenantName} ({actor.customerId})
                    </span>
                  </>
                )}
              </p>
            </div>
            <NotificationBell userId={actor.id} />
            <SignOutButton />
            <SignOutEverywhereButton />
          </div>
        </div>
        <nav aria-label="Main" className="mx-auto max-w-6xl px-4">
          <NavLinks items={navigationFor(actor)} />
        </nav>
      </header>
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-8">
        <PageAnnouncer>{children}</PageAnnouncer>
      </main>
    </div>
  );
}
