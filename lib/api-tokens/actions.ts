"use server";

import { revalidatePath } from "next/cache";
import { protectedAction } from "../actions/safe-action";
import { assertSignedInRecently } from "../auth/recent-sign-in";
import { createToken, revokeToken } from "./mutations";
import { newTokenSchema, revokeTokenSchema } from "./schema";

const TOKENS_PAGE = "/api-tokens";

/** A customer admin (for their tenant) or an operator, signed in within the last minutes, makes a token; it is returned this once. */
export const createTokenAction = protectedAction({ permission: "apiTokens.manage", schema: newTokenSchema, writes: true }, async ({ actor, input }) => {
  assertSignedInRecently(actor);
  const { token, expiresAt } = await createToken(actor, input);
  revalidatePath(TOKENS_PAGE);
  return { name: input.name, token, expiresAt: expiresAt.toISOString() };
});

export const revokeTokenAction = protectedAction({ permission: "apiTokens.manage", schema: revokeTokenSchema, writes: true }, async ({ actor, input }) => {
  const revoked = await revokeToken(actor, input.id);
  revalidatePath(TOKENS_PAGE);
  return revoked;
});
