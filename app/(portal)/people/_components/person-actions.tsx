"use client";

import { RowActionButton } from "@/components/row-action-button";
import type { ActionResult } from "@/lib/actions/safe-action";
import type { Person } from "@/lib/people/queries";
import { disablePersonAction, enablePersonAction, resendInvitationAction, setPersonRoleAction } from "@/lib/people/actions";
import { AskInRow } from "./ask-in-row";

/** What a row's buttons need of a person: never more than the page already shows. */
export type PersonRow = Pick<Person, "id" | "name" | "email" | "role" | "disabled" | "invited">;

/**
 * The changes an admin makes to another person of their organisation (never to their own
 * row: lib/people/own-tenant.ts). Each names its row for screen readers ("Make admin: Jane
 * Doe"), says its outcome in the page's status region, and refreshes the list.
 */
export function PersonActions({ person }: { person: PersonRow }) {
  const { id, name, email } = person;
  const admin = person.role === "CUSTOMER_ADMIN";
  return (
    <div className="flex flex-wrap items-start gap-x-4 gap-y-1">
      {/* One button whichever way it turns: once the role has changed, the keyboard is back on it. */}
      <AskInRow
        name={name}
        label={admin ? "Make user" : "Make admin"}
        question={admin ? `Make ${name} a customer user?` : `Make ${name} a customer admin?`}
        consequence={
          admin
            ? "They will only see the organisation's sandboxes: no ordering, refreshing or deleting, no people to manage, and their API tokens are revoked. Their sessions end."
            : "They may order, refresh and delete the organisation's sandboxes, make API tokens and webhooks, and manage its people, you included. Their sessions end."
        }
        yes={admin ? "Yes, make user" : "Yes, make admin"}
        pendingLabel="Changing…"
        no="Keep as is"
        done={`${name} is now a ${admin ? "customer user" : "customer admin"}, and signs in again to go on.`}
        action={() => setPersonRoleAction({ userId: id, role: admin ? "CUSTOMER_USER" : "CUSTOMER_ADMIN" })}
      />
      {person.disabled ? (
        <RowActionButton label="Enable" pendingLabel="Enabling…" context={name} done={`${name} may sign in again.`} action={() => enablePersonAction({ userId: id })} />
      ) : (
        <AskInRow
          name={name}
          label="Disable"
          question={`Disable ${name}?`}
          consequence="They can no longer sign in: their sessions end, and their API tokens are revoked."
          yes="Yes, disable"
          pendingLabel="Disabling…"
          no="Keep enabled"
          done={`${name} is disabled: they can no longer sign in.`}
          danger
          action={() => disablePersonAction({ userId: id })}
        />
      )}
      {/* A disabled person's link does nothing: enable them first. */}
      {person.invited && !person.disabled && (
        <RowActionButton
          label="Send the invitation again"
          pendingLabel="Sending…"
          context={name}
          done={`The invitation is sent again to ${email}. The earlier link no longer works.`}
          action={() => resendInvitation(id, email)}
        />
      )}
    </div>
  );
}

/**
 * The earlier links end even when the new mail could not be sent, so that is told as a
 * failure: the admin must try again, or the person has no working link at all.
 */
async function resendInvitation(userId: string, email: string): Promise<ActionResult<unknown>> {
  const result = await resendInvitationAction({ userId });
  if (result.ok && !result.data.mailed) {
    return { ok: false, code: "INTERNAL", message: `The mail to ${email} could not be sent, and the earlier link no longer works. Try again in a while.` };
  }
  return result;
}
