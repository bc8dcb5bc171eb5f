import type { Metadata } from "next";
import Link from "next/link";
import { ForgotPasswordForm } from "./_components/forgot-password-form";

export const metadata: Metadata = { title: "Forgot your password" };

/** Asking for a link to set a new password (lib/auth/password-reset.ts): open to anyone, and it tells nobody whether an address has an account. */
export default function ForgotPasswordPage() {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-semibold text-brand-900">Forgot your password?</h1>
        <p className="mt-1 text-sm text-slate-600">Give your account&apos;s e-mail address: we mail it a link to set a new password.</p>
        <ForgotPasswordForm />
        <p className="mt-6 text-sm">
          <Link href="/sign-in" className="text-brand-700 underline">
            Back to sign-in
          </Link>
        </p>
      </div>
    </main>
  );
}
