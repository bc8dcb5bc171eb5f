import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireActor } from "@/lib/auth/actor";
import { db } from "@/lib/db/portal";
import { USER_PLANS } from "@/lib/sanitizer/options";
import { entitlementUse } from "@/lib/tenants/entitlements";
import { EntitlementsPanel } from "@/components/entitlements-panel";
import { EntitlementsForm } from "./_components/entitlements-form";

export const metadata: Metadata = { title: "Customer agreement" };

/** What a customer's agreement covers: its admins order within it, staff beyond it. */
export default async function AgreementPage({ params }: { params: Promise<{ customerId: string }> }) {
  await requireActor("tenant.entitle");
  const { customerId } = await params;
  const tenant = await db.tenant.findUnique({ where: { customerId }, select: { id: true, companyName: true, customerId: true } });
  if (!tenant) notFound();
  const use = await entitlementUse(tenant.id);
  return (
    <section aria-labelledby="agreement-heading" className="max-w-3xl space-y-6">
      <div>
        <p className="text-sm">
          <Link href="/tenants" className="text-brand-700 underline">
            Customers
          </Link>
        </p>
        <h1 id="agreement-heading" className="mt-1 text-2xl font-semibold">
          Agreement of {tenant.companyName} ({tenant.customerId})
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          The customer&apos;s admins can order sandboxes and user plans within it; beyond it, a sales rep orders for them. Operators&apos; orders are never capped.
        </p>
      </div>
      <EntitlementsPanel use={use} audience="staff" />
      <EntitlementsForm
        defaults={{
          customerId: tenant.customerId,
          sandboxes: use.sandboxes.entitled === null ? "" : String(use.sandboxes.entitled),
          limitPlans: USER_PLANS.some((p) => use.plans[p].entitled !== null),
          plans: Object.fromEntries(USER_PLANS.map((p) => [p, use.plans[p].entitled ? String(use.plans[p].entitled) : ""])) as Record<(typeof USER_PLANS)[number], string>,
        }}
      />
    </section>
  );
}
