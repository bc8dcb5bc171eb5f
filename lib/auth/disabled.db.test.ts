import { createElement } from "react";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { makeTempDir } from "../testing/temp-dir";
import { usePortalDatabase } from "../testing/portal-db";
import { signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
usePortalDatabase();

const { db } = await import("../db/portal");
const { getActor } = await import("./actor");
const { checkCredentials } = await import("./credentials");
const { ssoAccount } = await import("./sso-account");
const { hashPassword } = await import("./password");
const { createTokenAction } = await import("../api-tokens/actions");
const { authenticateApiRequest } = await import("../api-tokens/authenticate");
const { notifyUsers, tenantAdminIds } = await import("../notifications/notify");

const PASSWORD = "correct horse battery staple";
let adminId = "";
let tenantId = "";

beforeAll(async () => {
  process.env.OUTBOX_DIR = await makeTempDir("disabled-outbox-");
  tenantId = (await db.tenant.create({ data: { customerId: "Cust7501", companyName: "Leaving AS", productionUrlEncrypted: "sealed" } })).id;
  adminId = (await db.user.create({ data: { email: "leaver@leaving.example", name: "Leaver", role: "CUSTOMER_ADMIN", tenantId, passwordHash: await hashPassword(PASSWORD) } })).id;
  await db.user.update({ where: { id: adminId }, data: { oidcIssuer: "https://idp.example", oidcSubject: "leaver" } });
});

describe("a disabled account", () => {
  it("stops its open session and its API tokens at once, signs in nowhere, and is told of nothing; enabled, it signs in again", async () => {
    signInAs(adminId);
    expect(await getActor()).toMatchObject({ id: adminId });
    const made = await createTokenAction({ name: "pipeline", expiresInDays: 30, scopes: ["sandboxes:read"] });
    if (!made.ok) throw new Error(made.message);
    const call = () => authenticateApiRequest(new Request("http://portal.test/api/v1/sandboxes", { headers: { authorization: `Bearer ${made.data.token}` } }));
    await expect(call()).resolves.toMatchObject({ actor: { id: adminId } });

    await db.user.update({ where: { id: adminId }, data: { disabledAt: new Date() } });
    // The same browser's next request, and the same pipeline's, are refused.
    expect(await getActor()).toBeNull();
    await expect(call()).rejects.toMatchObject({ response: { status: 401 } });
    // Its password signs it in nowhere; said as such only to whoever knows the password.
    expect(await checkCredentials("leaver@leaving.example", PASSWORD, "192.0.2.10")).toEqual({ ok: false, reason: "disabled" });
    expect(await checkCredentials("leaver@leaving.example", "wrong password here", "192.0.2.10")).toEqual({ ok: false, reason: "invalid" });
    // Nor does its single sign-on identity, bound or by address.
    expect(await ssoAccount({ issuer: "https://idp.example", subject: "leaver", email: null })).toEqual({ refused: "/sign-in?error=AccountDisabled" });
    expect(await ssoAccount({ issuer: "https://other-idp.example", subject: "x", email: "leaver@leaving.example" })).toEqual({ refused: "/sign-in?error=AccountDisabled" });
    // Told of nothing: not among its customer's admins, and no notice reaches it.
    expect(await tenantAdminIds(tenantId)).toEqual([]);
    await notifyUsers([adminId], { subject: "A sandbox is ready", mail: createElement("p", null, "UAT is ready") });
    expect(await db.notification.count({ where: { userId: adminId } })).toBe(0);

    await db.user.update({ where: { id: adminId }, data: { disabledAt: null } });
    expect(await checkCredentials("leaver@leaving.example", PASSWORD, "192.0.2.10")).toMatchObject({ ok: true });
  });
});
