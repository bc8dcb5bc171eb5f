"use client";

import { RowActionButton } from "@/components/row-action-button";
import { deleteEndpointAction, replayDeliveryAction } from "@/lib/webhooks/actions";

export function RemoveEndpointButton({ id, url }: { id: string; url: string }) {
  return (
    <RowActionButton
      label="Remove"
      pendingLabel="Removing…"
      context={url}
      done={`${url} removed: it gets no more events.`}
      confirm={`Remove ${url}? It gets no more events, and its delivery log goes with it.`}
      danger
      action={() => deleteEndpointAction({ id })}
    />
  );
}

/** `createdAt` as the row shows it: one endpoint gets many events of a type, and the time tells them apart. */
export function ReplayDeliveryButton({ id, event, url, createdAt }: { id: string; event: string; url: string; createdAt: string }) {
  return (
    <RowActionButton
      label="Send again"
      pendingLabel="Sending…"
      context={`${event} to ${url}, ${createdAt}`}
      done={`The ${event} event is sent again to ${url}.`}
      action={() => replayDeliveryAction({ id })}
    />
  );
}
