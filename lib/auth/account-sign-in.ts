/** How an account signs in, for its own page: whether it has a second factor, and a single sign-on identity. Never the secrets. */
import { db } from "../db/portal";

export async function accountSignIn(userId: string): Promise<{ twoFactor: boolean; singleSignOn: boolean }> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { totpSecretEncrypted: true, oidcSubject: true } });
  return { twoFactor: Boolean(user?.totpSecretEncrypted), singleSignOn: Boolean(user?.oidcSubject) };
}
