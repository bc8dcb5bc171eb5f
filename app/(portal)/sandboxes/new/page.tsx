import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { requireActor } from "@/lib/auth/actor";
import { hasPermission } from "@/lib/auth/policy";
import { AppError } from "@/lib/errors";
import { listOrderableCustomers } from "@/lib/orders/queries";
import { getThroughput } from "@/lib/sandboxes/queries";
import { entitlementUse } from "@/lib/tenants/entitlements";
import { getProductionFootprint } from "@/lib/tenants/production";
import { EntitlementsPanel } from "@/components/entitlements-panel";
import { type EstimateState } from "./_components/estimate-panel";
import { OrderForm } from "./_components/order-form";
import { log } from "@/lib/observability/log";

export const metadata: Metadata = { title: "Order a sandbox" };

export default async function NewSandboxPage() {
  const actor = await requireActor();
  const forCustomer = hasPermission(actor, "sandbox.orderForCustomer");
  if (!forCustomer && !(hasPermission(actor, "sandbox.order") && actor.tenantId)) forbidden();

  if (forCustomer) {
    const customers = await listOrderableCustomers();
    return (
      <Frame title="New order for a customer" intro="File an order on a customer's behalf. Their admins are notified to choose who gets access and how the copy is prepared; the copy starts when they confirm.">
        <OrderForm mode="customer" customers={customers} initialEstimate={{ state: "idle" }} />
      </Frame>
    );
  }

  const tenantId = actor.tenantId!;
  let estimate: EstimateState;
  try {
    const [footprint, throughput] = await Promise.all([getProductionFootprint(tenantId), getThroughput(tenantId)]);
    estimate = { state: "ready", footprint, throughput };
  } catch (error) {
    if (!(error instanceof AppError)) log.error(error, "production estimate failed");
    estimate = { state: "error", message: error instanceof AppError ? error.userMessage : "The production database could not be measured right now." };
  }
  return (
    <Frame title="Order a sandbox" intro={`A sanitized copy of ${actor.tenantName ? `the production CRM of ${actor.tenantName}` : "your production CRM"} for testing and training. After ordering, a short setup wizard asks who gets access and how the copy is prepared.`}>
      <div className="mt-4">
        <EntitlementsPanel use={await entitlementUse(tenantId)} audience="customer" />
      </div>
      <OrderForm mode="own" tenantId={tenantId} initialEstimate={estimate} />
    </Frame>
  );
}

function Frame({ title, intro, children }: { title: string; intro: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby="order-heading" className="max-w-3xl">
      <h1 id="order-heading" className="text-2xl font-semibold">
        {title}
      </h1>
      <p className="mt-2 text-slate-700">{intro}</p>
      {children}
    </section>
  );
}
