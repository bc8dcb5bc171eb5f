import Link from "next/link";
import type { ReactNode } from "react";

/**
 * The card every page before sign-in stands in (sign-in, a forgotten password, setting it
 * with a link): the heading, a line of what it is for, the form; `backToSignIn` adds the way back.
 */
export function AuthCard({ heading, intro, backToSignIn = false, children }: { heading: string; intro: string; backToSignIn?: boolean; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-semibold text-brand-900">{heading}</h1>
        <p className="mt-1 text-sm text-slate-600">{intro}</p>
        {children}
        {backToSignIn && (
          <p className="mt-6 text-sm">
            <Link href="/sign-in" className="text-brand-700 underline">
              Back to sign-in
            </Link>
          </p>
        )}
      </div>
    </main>
  );
}
