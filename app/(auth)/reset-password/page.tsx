import type { Metadata } from "next";
import Link from "next/link";
import { ResetPasswordForm } from "./_components/reset-password-form";

export const metadata: Metadata = { title: "Set a new password" };

/** Where a mailed password link leads: its token is after the `#`, read by the form, never sent with the page's request. */
export default function ResetPasswordPage() {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-semibold text-brand-900">Set a new password</h1>
        <p className="mt-1 text-sm text-slate-600">At least 12 characters. Every session of your account is signed out once it is set.</p>
        <ResetPasswordForm />
        <p className="mt-6 text-sm">
          <Link href="/sign-in" className="text-brand-700 underline">
            Back to sign-in
          </Link>
        </p>
      </div>
    </main>
  );
}
