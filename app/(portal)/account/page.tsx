import type { Metadata } from "next";
import { Fact } from "@/components/fact";
import { requireActor } from "@/lib/auth/actor";
import { accountSignIn } from "@/lib/auth/account-sign-in";
import { isStaff, ROLE_LABEL } from "@/lib/auth/policy";
import { mailNoticesOf } from "@/lib/notifications/mail-preference";
import { AccountSettings } from "./_components/account-settings";
import { MailNoticesForm } from "./_components/mail-notices-form";

export const metadata: Metadata = { title: "Your account" };

/** The signed-in person's own account: who they are to the portal, and how they sign in. */
export default async function AccountPage() {
  const actor = await requireActor("account.manage");
  const [signIn, mailNotices] = await Promise.all([accountSignIn(actor.id), mailNoticesOf(actor.id)]);
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
          {signIn.singleSignOn && <Fact label="Single sign-on" value="Bound to your organisation's identity" />}
        </dl>
      </div>
      <AccountSettings email={actor.email} twoFactor={signIn.twoFactor} singleSignOn={signIn.singleSignOn} staff={isStaff(actor)} />
      <section aria-labelledby="mail-notices-heading" className="max-w-xl">
        <h2 id="mail-notices-heading" className="text-lg font-semibold">
          Notices by e-mail
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Mails about your own sign-in (a password or second factor changed, a link to set a password), and a sandbox&apos;s access mails to the people
          given access in its setup, are always sent{actor.role === "OPERATOR" ? ", and so are operators' alerts" : ""}.
        </p>
        <MailNoticesForm mailNotices={mailNotices} />
      </section>
    </section>
  );
}
