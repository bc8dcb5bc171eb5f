import { z } from "zod";

/** The roles a customer admin gives in their own organisation: never staff. */
export const PERSON_ROLES = ["CUSTOMER_USER", "CUSTOMER_ADMIN"] as const;

/** A person a customer admin invites to the portal (lib/people/invite.ts). */
/** A person's name as the portal takes it, from a customer admin or an operator: written into mails, so a name, not a message (no links, no digits). */
export const personNameSchema = z
  .string()
  .trim()
  .min(1, { message: "Enter the person's name.", abort: true })
  .max(100, "Use at most 100 characters.")
  // A letter first: a mark alone (U+0301 twice) passed as a name, and marks nothing.
  .regex(/^\p{L}[\p{L}\p{M} .'’-]*$/u, "Use letters, spaces, hyphens and apostrophes only.");

export const invitePersonSchema = z.object({
  name: personNameSchema,
  // As pasted from a mail client: spaces around it are not part of it.
  email: z
    .string()
    .trim()
    .pipe(z.email("Enter a valid e-mail address.").max(254))
    .transform((v) => v.toLowerCase()),
  role: z.enum(PERSON_ROLES, "Choose a role."),
});
export type InvitePersonInput = z.input<typeof invitePersonSchema>;

export const personSchema = z.object({ userId: z.string().min(1).max(64) });
export const personRoleSchema = personSchema.extend({ role: z.enum(PERSON_ROLES) });
