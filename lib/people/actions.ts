"use server";

import { revalidatePath } from "next/cache";
import { protectedAction } from "../actions/safe-action";
import { disablePerson, enablePerson, setPersonRole } from "./accounts";
import { invitePerson, resendInvitation } from "./invite";
import { invitePersonSchema, personRoleSchema, personSchema } from "./schema";

const PEOPLE_PAGE = "/people";

/** A customer admin invites a person of their organisation: the account, and a mailed link to set a password. */
export const invitePersonAction = protectedAction({ permission: "people.manage", schema: invitePersonSchema }, async ({ actor, input }) => {
  const { mailed } = await invitePerson(actor, input);
  revalidatePath(PEOPLE_PAGE);
  return { email: input.email, mailed };
});

export const resendInvitationAction = protectedAction({ permission: "people.manage", schema: personSchema, writes: true }, async ({ actor, input }) => {
  const sent = await resendInvitation(actor, input.userId);
  revalidatePath(PEOPLE_PAGE);
  return sent;
});

export const setPersonRoleAction = protectedAction({ permission: "people.manage", schema: personRoleSchema, writes: true }, async ({ actor, input }) => {
  await setPersonRole(actor, input.userId, input.role);
  revalidatePath(PEOPLE_PAGE);
  return { role: input.role };
});

export const disablePersonAction = protectedAction({ permission: "people.manage", schema: personSchema, writes: true }, async ({ actor, input }) => {
  await disablePerson(actor, input.userId);
  revalidatePath(PEOPLE_PAGE);
  return { disabled: true as const };
});

export const enablePersonAction = protectedAction({ permission: "people.manage", schema: personSchema, writes: true }, async ({ actor, input }) => {
  await enablePerson(actor, input.userId);
  revalidatePath(PEOPLE_PAGE);
  return { disabled: false as const };
});
