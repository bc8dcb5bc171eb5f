import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getActor } from "@/lib/auth/actor";
import { oidcEnabled, env } from "@/lib/config/env";
import { asksForCode, signInErrorMessage } from "@/lib/auth/sign-in-errors";
import { SignInForm } from "./_components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string; callbackUrl?: string }> }) {
  await connection(); // depends on the request's session: never prerendered
  if (await getActor()) redirect("/");
  const { error, callbackUrl } = await searchParams;
  // Only same-site paths: an open redirect would hand the session to another site.
  const safeCallback = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/";
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-semibold text-brand-900">Sandbox Portal</h1>
        <p className="mt-1 text-sm text-slate-600">Sign in to order and manage your CRM sandboxes.</p>
        <SignInForm
          callbackUrl={safeCallback}
          initialError={signInErrorMessage(error)}
          askCode={asksForCode(error)}
          sso={oidcEnabled() ? { name: env().OIDC_NAME } : null}
        />
      </div>
    </main>
  );
}
