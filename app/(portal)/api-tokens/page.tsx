import type { Metadata } from "next";
import { DataTable, EmptyState } from "@/components/data-table";
import { requireActor } from "@/lib/auth/actor";
import { isStaff } from "@/lib/auth/policy";
import { RECENT_SIGN_IN_MINUTES, signedInRecently } from "@/lib/auth/recent-sign-in";
import { SignInAgainButton } from "@/components/sign-out-button";
import { listTokens } from "@/lib/api-tokens/queries";
import { viewerWhen } from "@/lib/viewer-time-zone";
import { NewTokenForm } from "./_components/new-token-form";
import { RevokeTokenButton } from "./_components/revoke-token-button";

export const metadata: Metadata = { title: "API tokens" };

const STATE_LABEL = { active: "Active", expired: "Expired", revoked: "Revoked" } as const;

export default async function ApiTokensPage() {
  const when = await viewerWhen();
  const actor = await requireActor("apiTokens.manage");
  const staff = isStaff(actor);
  const tokens = await listTokens(actor);
  return (
    <section aria-labelledby="tokens-heading" className="space-y-8">
      <div>
        <h1 id="tokens-heading" className="text-2xl font-semibold">
          API tokens
        </h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Pipelines use a token to work with sandboxes through the API at <code>/api/v1</code>, sending it as <code>Authorization: Bearer …</code>. A token acts as
          you do{staff ? ", on every customer" : ` for ${actor.tenantName}`}, only within the scopes you give it, and stops working when it expires, when it is
          revoked, or when your account no longer may hold tokens. The{" "}
          <a href="/api-reference" className="text-brand-700 underline">
            API reference
          </a>{" "}
          lists what it can do.
        </p>
      </div>
      <section aria-labelledby="new-token-heading-form">
        <h2 id="new-token-heading-form" className="text-lg font-semibold">
          Create a token
        </h2>
        <div className="mt-3">
          {signedInRecently(actor) ? (
            <NewTokenForm ownerId={actor.id} />
          ) : (
            <div className="flex flex-wrap items-center gap-3 text-sm text-slate-700" data-testid="sign-in-again">
              <p>For your security, a token is made only within {RECENT_SIGN_IN_MINUTES} minutes of signing in.</p>
              <SignInAgainButton returnTo="/api-tokens" />
            </div>
          )}
        </div>
      </section>
      <section aria-labelledby="token-list-heading">
        <h2 id="token-list-heading" className="text-lg font-semibold">
          {staff ? "Every token" : `Tokens of ${actor.tenantName}`}
        </h2>
        {tokens.length === 0 ? (
          <EmptyState>No tokens yet.</EmptyState>
        ) : (
          <DataTable caption="API tokens" className="mt-2" columns={["Name", "Token", staff && "Customer", "Owner", "Scopes", "Created", "Expires", "Last used", "State", "Revoke"]}>
            {tokens.map((t) => (
              <tr key={t.id} data-testid="token-row">
                <td className="px-3 py-2 font-medium">{t.name}</td>
                <td className="px-3 py-2 font-mono text-xs">{t.prefix}…</td>
                {staff && <td className="px-3 py-2">{t.tenant ? `${t.tenant.companyName} (${t.tenant.customerId})` : "Every customer"}</td>}
                <td className="px-3 py-2">{t.owner.name}</td>
                <td className="px-3 py-2 text-xs">{t.scopes.join(", ")}</td>
                <td className="px-3 py-2">{when(t.createdAt)}</td>
                <td className="px-3 py-2">{when(t.expiresAt)}</td>
                <td className="px-3 py-2">{t.lastUsedAt ? when(t.lastUsedAt) : "Never"}</td>
                <td className="px-3 py-2">{STATE_LABEL[t.state]}</td>
                <td className="px-3 py-2">{t.state === "active" && <RevokeTokenButton id={t.id} name={t.name} />}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </section>
  );
}
