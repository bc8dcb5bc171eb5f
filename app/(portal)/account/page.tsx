import type { Metadata } from "next";
import { Fact } from "@/components/fact";
import { requireActor } from "@/lib/auth/actor";
import { ROLE_LABEL } from "@/lib/auth/policy";
import { accountSignIn } from "@/lib/auth/account-sign-in";
import { ChangePasswordForm } from "./_components/change-password-form";
import { TwoFactorSetup } from "./_components/two-factor-setup";

export const metadata: Metadata = { title: "Your account" };

/** The signed-in person's own account: who they are to the portal, how they sign in, and their password. */
export default async function AccountPage() {
  const actor = await requireActor("account.manage");
  const signIn = await accountSignIn(actor.id);
  return (
    <section aria-labelledby="account-heading" className="space-y-8">
      <div>
        <h1 id="account-heading" className="text-2xl font-semibold">
          Your account
        </h1>
        <dl className="mt-4 grid gap-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
          <Fact label="Name" value={actor.name} />
          <Fact label="E-mail" value={actor.email} />
          <Fact label="Role" value={ROLE_LABEL[actor.role]} />
          {actor.tenantName && <Fact label="Customer" value={`${actor.tenantName} (${actor.customerId})`} />}
          <Fact label="Two-factor sign-in" value={signIn.twoFactor ? "On: a code from your authenticator app" : "Off"} testId="two-factor" />
          {signIn.singleSignOn && <Fact label="Single sign-on" value="Bound to your organisation's identity" />}
        </dl>
      </div>
      {!signIn.twoFactor && (
        <section aria-labelledby="two-factor-heading" className="max-w-xl">
          <h2 id="two-factor-heading" className="text-lg font-semibold">
            Two-factor sign-in
          </h2>
          <div className="mt-2">
            <TwoFactorSetup email={actor.email} />
          </div>
        </section>
      )}
      <section aria-labelledby="password-heading" className="max-w-md">
        <h2 id="password-heading" className="text-lg font-semibold">
          Change your password
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          {signIn.singleSignOn ? "This is the password for signing in with your e-mail; single sign-on is unchanged. " : ""}
          Changing it signs you out everywhere, here too: sign in again with the new one.
        </p>
        <div className="mt-3">
          <ChangePasswordForm email={actor.email} />
        </div>
      </section>
    </section>
  );
}
