import { Fact } from "@/components/fact";
import type { Metadata } from "next";
import Link from "next/link";
import { BackLink } from "@/components/back-link";
import { notFound } from "next/navigation";
import { requireActor } from "@/lib/auth/actor";
import { canActOnTenant } from "@/lib/auth/policy";
import { viewerWhen } from "@/lib/viewer-time-zone";
import { getManagedOrder } from "@/lib/orders/changes";
import { isOpenOrder } from "@/lib/orders/policy";
import { EMPTY_PLAN_COUNTS, totalPlans, type PlanCounts } from "@/lib/orders/schema";
import { KIND_LABEL, PLAN_LABEL, USER_PLANS } from "@/lib/sanitizer/options";
import { orderedKind } from "@/lib/wizard/defaults";
import { StatusBadge } from "@/components/status-badge";
import { DangerSection } from "@/components/danger-section";
import { CancelOrderForm } from "./_components/cancel-order-form";
import { EditOrderForm } from "./_components/edit-order-form";

/** The order's name in the title: moving from one order to another is then said, and tabs tell them apart. */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const order = await getManagedOrder(await requireActor(), (await params).id);
  return { title: order ? `Order for ${order.name}` : "Order" };
}

/** One order: its facts and note; while its setup is not confirmed, changing and cancelling it. */
export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const when = await viewerWhen();
  const actor = await requireActor();
  const order = await getManagedOrder(actor, (await params).id);
  if (!order) notFound();
  const planCounts = { ...EMPTY_PLAN_COUNTS, ...(order.planCounts as Partial<PlanCounts>) };
  const open = isOpenOrder(order);
  const plans = USER_PLANS.filter((p) => planCounts[p] > 0).map((p) => `${PLAN_LABEL[p]}: ${planCounts[p]}`).join(", ");
  return (
    <div className="space-y-6">
      <BackLink href="/orders">Orders</BackLink>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">Order for “{order.name}”</h1>
        <StatusBadge status={order.status} />
      </div>
      <dl className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-3">
        <Fact label="Customer" value={`${order.tenant.companyName} (${order.tenant.customerId})`} />
        <Fact label="Ordered" value={`${when(order.createdAt)} by ${order.orderedBy.name}${order.orderedOnBehalf ? " for the customer" : ""}`} />
        <Fact label={`User plans (${totalPlans(planCounts)})`} value={plans || "None"} />
        <Fact label="Kind ordered" value={`${KIND_LABEL[orderedKind(order.orderedKind)]}${open ? " (the setup may change it)" : ""}`} />
        <div className="sm:col-span-3" data-testid="order-note">
          <dt className="text-slate-600">Note</dt>
          <dd className="font-medium whitespace-pre-line">{order.note ?? "No note."}</dd>
        </div>
      </dl>
      {open ? (
        <>
          {canActOnTenant(actor, "sandbox.configure", order.tenantId) && (
            <p className="text-sm">
              <Link href={`/sandboxes/${order.id}/setup`} className="font-medium text-brand-700 underline">
                Open the setup wizard
              </Link>
            </p>
          )}
          <section aria-labelledby="edit-heading" className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="edit-heading" className="text-lg font-semibold">
              Change the order
            </h2>
            <p className="mt-1 text-sm text-slate-700">Until the setup is confirmed, the name, the plans and the note can change.</p>
            <div className="mt-4">
              <EditOrderForm order={{ id: order.id, name: order.name, planCounts, note: order.note ?? "" }} />
            </div>
          </section>
          <DangerSection id="cancel-heading" heading="Cancel the order">
            <CancelOrderForm sandboxId={order.id} name={order.name} />
          </DangerSection>
        </>
      ) : (
        <p className="text-sm text-slate-700">
          {order.status === "CANCELLED" ? "This order was cancelled." : "The setup was confirmed, so the order can no longer change."}{" "}
          {order.status !== "CANCELLED" && (
            <Link href={`/sandboxes/${order.id}`} className="text-brand-700 underline">
              See the sandbox&apos;s page
            </Link>
          )}
        </p>
      )}
    </div>
  );
}
