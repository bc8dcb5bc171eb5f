import type { Metadata } from "next";
import { DataTable, EmptyState } from "@/components/data-table";
import { requireActor } from "@/lib/auth/actor";
import type { WhenFormatter } from "@/lib/format";
import { viewerWhen } from "@/lib/viewer-time-zone";
import { MAX_ATTEMPTS } from "@/lib/webhooks/deliver";
import { MAX_ENDPOINTS_PER_TENANT } from "@/lib/webhooks/mutations";
import { listDeliveries, listEndpoints } from "@/lib/webhooks/queries";
import { NewEndpointForm } from "./_components/new-endpoint-form";
import { RemoveEndpointButton, ReplayDeliveryButton } from "./_components/row-buttons";

export const metadata: Metadata = { title: "Webhooks" };

type Delivery = Awaited<ReturnType<typeof listDeliveries>>[number];

function deliveryState(d: Delivery, when: WhenFormatter): string {
  if (d.status === "DELIVERED") return `Delivered (HTTP ${d.responseStatus ?? "2xx"})`;
  if (d.status === "FAILED") return `Gave up after ${d.attempts} attempts`;
  if (d.attempts === 0) return "Sending";
  return `Retrying at ${d.nextAttemptAt ? when(d.nextAttemptAt) : "once due"} (attempt ${d.attempts + 1} of ${MAX_ATTEMPTS})`;
}

export default async function WebhooksPage() {
  const when = await viewerWhen();
  const actor = await requireActor("webhooks.manage");
  const [endpoints, deliveries] = await Promise.all([listEndpoints(actor), listDeliveries(actor)]);
  return (
    <section aria-labelledby="webhooks-heading" className="space-y-8">
      <div>
        <h1 id="webhooks-heading" className="text-2xl font-semibold">
          Webhooks
        </h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          The portal tells your systems when a sandbox of {actor.tenantName} is ready, refreshed, deleted, or when a run failed, by POSTing a JSON event to each
          address below. Every event is signed in the Standard Webhooks style (headers <code>webhook-id</code>, <code>webhook-timestamp</code>,{" "}
          <code>webhook-signature</code>), so a receiver can check it came from here. An event that is not answered with a 2xx within 15 seconds is tried again
          after 5 seconds, 5 and 30 minutes, then 2, 5, 10 and 10 hours. Addresses on loopback or private networks are refused unless the portal&apos;s
          operators allow them.
        </p>
      </div>
      <section aria-labelledby="new-endpoint-heading-form">
        <h2 id="new-endpoint-heading-form" className="text-lg font-semibold">
          Add an endpoint
        </h2>
        <p className="mt-1 text-sm text-slate-600">Up to {MAX_ENDPOINTS_PER_TENANT} endpoints.</p>
        <div className="mt-3">
          <NewEndpointForm />
        </div>
      </section>
      <section aria-labelledby="endpoint-list-heading">
        <h2 id="endpoint-list-heading" className="text-lg font-semibold">
          Endpoints
        </h2>
        {endpoints.length === 0 ? (
          <EmptyState>No endpoints yet.</EmptyState>
        ) : (
          <DataTable caption="Webhook endpoints" className="mt-2" columns={["Address", "Description", "Events", "Added", "Remove"]}>
            {endpoints.map((e) => (
              <tr key={e.id} data-testid="endpoint-row">
                <td className="break-all px-3 py-2 font-mono text-xs">{e.url}</td>
                <td className="px-3 py-2">{e.description || "—"}</td>
                <td className="px-3 py-2 text-xs">{e.events.join(", ")}</td>
                <td className="px-3 py-2">
                  {when(e.createdAt)}
                  {e.createdBy ? ` by ${e.createdBy.name}` : ""}
                </td>
                <td className="px-3 py-2">
                  <RemoveEndpointButton id={e.id} url={e.url} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="delivery-log-heading">
        <h2 id="delivery-log-heading" className="text-lg font-semibold">
          Delivery log
        </h2>
        <p className="mt-1 text-sm text-slate-600">The newest 50 events. &ldquo;Send again&rdquo; sends a finished event once more, with the same webhook-id.</p>
        {deliveries.length === 0 ? (
          <EmptyState>No events sent yet.</EmptyState>
        ) : (
          <DataTable caption="Webhook deliveries" className="mt-2" columns={["Event", "To", "Created", "State", "Last problem", "Send again"]}>
            {deliveries.map((d) => (
              <tr key={d.id} data-testid="delivery-row">
                <td className="px-3 py-2 font-mono text-xs">
                  {d.eventType}
                  {d.replayOfId ? " (sent again)" : ""}
                </td>
                <td className="break-all px-3 py-2 font-mono text-xs">{d.endpoint.url}</td>
                <td className="px-3 py-2">{when(d.createdAt)}</td>
                <td className="px-3 py-2">{deliveryState(d, when)}</td>
                <td className="px-3 py-2 text-sm">{d.status === "DELIVERED" ? "—" : (d.lastError ?? "—")}</td>
                <td className="px-3 py-2">{d.status !== "PENDING" && <ReplayDeliveryButton id={d.id} event={d.eventType} url={d.endpoint.url} createdAt={when(d.createdAt)} />}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </section>
  );
}
