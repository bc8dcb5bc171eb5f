import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getActor } from "@/lib/auth/actor";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { publicOrigin } from "@/lib/auth/options";
import { requestOrigin } from "@/lib/http/request-origin";
import { oidcEnabled, env } from "@/lib/config/env";
import { asksForCode, signInErrorMessage } from "@/lib/auth/sign-in-errors";
import { AuthCard } from "@/components/auth-card";
import { SignInForm } from "./_components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

/** What the page says on arrival after something that signed the person out on purpose. */
const NOTICES: Record<string, string> = {
  password: "Your password is changed, and every session of your account is signed out. Sign in with your new password.",
  joined: "Your password is set. Sign in with it to start.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string | string[]; callbackUrl?: string | string[]; changed?: string | string[] }> }) {
  await connection(); // depends on the request's session: never prerendered
  // A parameter named twice in the address comes as a list: none of them is then taken.
  const { error: errorParam, callbackUrl, changed } = await searchParams;
  const error = typeof errorParam === "string" ? errorParam : undefined;
  const notice = typeof changed === "string" && Object.hasOwn(NOTICES, changed) ? NOTICES[changed] : undefined;
  // Only a path on this portal: an open redirect would hand the signed-in visitor to another site.
  const origin = requestOrigin(await headers()) ?? publicOrigin();
  const safeCallback = safeCallbackPath(callbackUrl, [origin, publicOrigin()]);
  if (await getActor()) redirect(safeCallback);
  return (
    <AuthCard heading="Sandbox Portal" intro="Sign in to order and manage your CRM sandboxes.">
      {notice && (
        <p role="status" className="mt-4 rounded-md bg-brand-50 p-3 text-sm text-brand-900" data-testid="sign-in-notice">
          {notice}
        </p>
      )}
      <SignInForm
        callbackUrl={safeCallback}
        initialError={signInErrorMessage(error)}
        askCode={asksForCode(error)}
        sso={oidcEnabled() ? { name: env().OIDC_NAME } : null}
      />
    </AuthCard>
  );
}
