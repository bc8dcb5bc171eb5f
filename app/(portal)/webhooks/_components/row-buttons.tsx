"use client";

import { RowActionButton } from "@/components/row-action-button";
import { deleteEndpointAction, replayDeliveryAction } from "@/lib/webhooks/actions";

export function RemoveEndpointButton({ id, url }: { id: string; url: string }) {
  return (
    <RowActionButton
      label="Remove"
      pendingLabel="Removing…"
      accessibleLabel={`Remove ${url}`}
      confirm={`Remove ${url}? It gets no more events, and its delivery log goes with it.`}
      danger
      action={() => deleteEndpointAction({ id })}
    />
  );
}

export function ReplayDeliveryButton({ id, event }: { id: string; event: string }) {
  return <RowActionButton label="Send again" pendingLabel="Sending…" accessibleLabel={`Send the ${event} event again`} action={() => replayDeliveryAction({ id })} />;
}
