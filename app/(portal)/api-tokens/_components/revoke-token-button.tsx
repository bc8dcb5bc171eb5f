"use client";

import { RowActionButton } from "@/components/row-action-button";
import { revokeTokenAction } from "@/lib/api-tokens/actions";

/** Revoking asks once; the token stops working on its next request. */
export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  return (
    <RowActionButton
      label="Revoke"
      pendingLabel="Revoking…"
      context={name}
      done={`“${name}” revoked: pipelines using it stop working at once.`}
      confirm={`Revoke “${name}”? Pipelines using it stop working at once.`}
      danger
      action={() => revokeTokenAction({ id })}
    />
  );
}
