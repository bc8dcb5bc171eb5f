import type { Metadata } from "next";
import Link from "next/link";
import { ArrivalMessage } from "@/components/arrival-message";
import { KIND_LABEL } from "@/lib/sanitizer/options";
import { orderedKind } from "@/lib/wizard/defaults";
import { forbidden } from "next/navigation";
import { viewerWhen } from "@/lib/viewer-time-zone";
import { StatusBadge } from "@/components/status-badge";
import { requireActor } from "@/lib/auth/actor";
import { canActOnTenant, hasPermission, isStaff } from "@/lib/auth/policy";
import { listOrders, orderArrivedAbout } from "@/lib/orders/queries";
import { canManageOrder, isOpenOrder } from "@/lib/orders/policy";
import { totalPlans } from "@/lib/orders/schema";
import { DataTable, EmptyState } from "@/components/data-table";
import { Pager } from "@/components/list-filters";
import { SandboxListFilters } from "@/components/sandbox-list-filters";
import { listState, pageLinks, sortParam, type RawSearchParams } from "@/lib/lists/schema";
import { ORDER_DEFAULT_SORT, ORDER_SORTS, SANDBOX_FILTER_KEYS, orderListSchema } from "@/lib/sandboxes/list-schema";

export const metadata: Metadata = { title: "Orders" };

export default async function OrdersPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const when = await viewerWhen();
  const actor = await requireActor();
  const canSee = hasPermission(actor, "sandbox.order") || hasPermission(actor, "sandbox.orderForCustomer") || hasPermission(actor, "tenant.viewAll");
  if (!canSee) forbidden();
  const raw = await searchParams;
  const { filed, cancelled, saved } = raw;
  const query = orderListSchema.parse(raw);
  const staff = isStaff(actor);
  const filters = staff ? SANDBOX_FILTER_KEYS : SANDBOX_FILTER_KEYS.filter((k) => k !== "customer");
  const state = listState(raw, query, filters, ORDER_DEFAULT_SORT);
  const page = await listOrders(actor, query);
  const orders = page.rows;
  // Named wherever it stands in the list (filters or paging may leave it off this page), and only when this reader may see it.
  const arriving = async (id: unknown) => (typeof id === "string" ? (orders.find((o) => o.id === id) ?? (await orderArrivedAbout(actor, id))) : null);
  const [justFiled, justSaved] = await Promise.all([arriving(filed), arriving(saved)]);
  const newOrderLink = hasPermission(actor, "sandbox.orderForCustomer")
    ? { href: "/sandboxes/new", label: "New order for a customer" }
    : hasPermission(actor, "sandbox.order")
      ? { href: "/sandboxes/new", label: "Order a sandbox" }
      : null;

  return (
    <section aria-labelledby="orders-heading">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="orders-heading" className="text-2xl font-semibold">
          {actor.role === "SALES_REP" ? "Orders you filed" : staff ? "All orders" : "Your organisation's orders"}
        </h1>
        {newOrderLink && (
          <Link href={newOrderLink.href} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
            {newOrderLink.label}
          </Link>
        )}
      </div>
      <div>
        {/* Arriving with the page, a live region is seldom read: the message takes the keyboard's place (ArrivalMessage). */}
        {justFiled && (
          <ArrivalMessage testId="order-filed">
            Order “{justFiled.name}” filed for {justFiled.tenant.companyName}. Their admins have been asked to run the setup.
          </ArrivalMessage>
        )}
        {justSaved && (
          <ArrivalMessage testId="setup-saved">
            Your choices for “{justSaved.name}” are saved.{" "}
            <Link href={`/sandboxes/${justSaved.id}/setup`} className="font-medium text-brand-700 underline">
              Continue the setup
            </Link>{" "}
            whenever you are ready, from here or from the sandbox&apos;s page.
          </ArrivalMessage>
        )}
        {cancelled && (
          <ArrivalMessage testId="order-cancelled">
            The order was cancelled, and the other side has been told.
          </ArrivalMessage>
        )}
      </div>
      <SandboxListFilters
        action="/orders"
        label="Filter the orders"
        values={{ ...Object.fromEntries(state), sort: sortParam(query.sort) }}
        staff={staff}
        sorts={ORDER_SORTS}
        dated="Ordered"
      />
      {orders.length === 0 ? (
        <EmptyState>{filters.some((k) => query[k] !== undefined) || query.after || query.before ? "No orders match these filters." : "No orders yet."}</EmptyState>
      ) : (
        <>
          <DataTable caption="Orders" columns={["Sandbox", staff && "Customer", "Status", "User plans", "Ordered", "Setup confirmed", "Order"]}>
            {orders.map((o) => {
              const awaiting = o.status === "AWAITING_SETUP" && !o.confirmedAt;
              const canSetUp = awaiting && canActOnTenant(actor, "sandbox.configure", o.tenantId);
              return (
                <tr key={o.id}>
                  <td className="px-4 py-2 font-medium">
                    {canSetUp ? (
                      <Link href={`/sandboxes/${o.id}/setup`} className="text-brand-700 underline">
                        {o.name}
                        <span className="sr-only">: {o.wizardDraft ? "continue the setup" : "start the setup"}</span>
                      </Link>
                    ) : awaiting ? (
                      o.name
                    ) : (
                      <Link href={`/sandboxes/${o.id}`} className="text-brand-700 underline">
                        {o.name}
                      </Link>
                    )}
                  </td>
                  {staff && (
                    <td className="px-4 py-2">
                      {o.tenant.companyName} ({o.tenant.customerId})
                    </td>
                  )}
                  <td className="px-4 py-2">
                    <StatusBadge status={o.status} />
                    {awaiting && <span className="ml-2 text-xs text-slate-600">{o.wizardDraft ? "setup in progress" : "setup not started"}</span>}
                    {awaiting && o.orderedKind !== "full" && (
                      <span className="ml-2 text-xs text-slate-600">{KIND_LABEL[orderedKind(o.orderedKind)].toLowerCase()} ordered</span>
                    )}
                  </td>
                  <td className="px-4 py-2 tabular-nums">{totalPlans(o.planCounts as Record<string, number>)}</td>
                  <td className="px-4 py-2">
                    {when(o.createdAt)} by {o.orderedBy.name}
                    {o.orderedOnBehalf && <span className="text-slate-600"> (for the customer)</span>}
                  </td>
                  <td className="px-4 py-2">{when(o.confirmedAt)}</td>
                  <td className="px-4 py-2">
                    {canManageOrder(actor, o) && (
                      <Link href={`/orders/${o.id}`} className="text-brand-700 underline">
                        {isOpenOrder(o) ? "Change or cancel" : "Details"}
                        <span className="sr-only"> the order for {o.name}</span>
                      </Link>
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
          <Pager {...pageLinks("/orders", state, page)} />
        </>
      )}
    </section>
  );
}
