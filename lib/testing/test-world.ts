/**
 * Test fixture for the order and wizard tests: two tenants (A with a generated
 * small production database, B without), an account per role, and a faked
 * session to switch between them. Only the session is fake.
 */
import { createTestDatabase } from "./pg";
import { generateProductionDatabase } from "../crm/generator";

export interface World {
  tenantA: string;
  tenantB: string;
  productionUrl: string;
  users: { adminA: string; userA: string; adminB: string; sales: string; operator: string };
}

export async function buildWorld(): Promise<World> {
  const { db } = await import("../db/portal");
  const { sealSecret } = await import("../secrets/secret-box");
  const productionUrl = await createTestDatabase("prod");
  await generateProductionDatabase({ databaseUrl: productionUrl, customerId: "Cust40001", companyName: "Alpha AS", scale: "small", seed: 40001 });
  const tenant = (customerId: string, companyName: string) =>
    db.tenant.create({ data: { customerId, companyName, productionUrlEncrypted: sealSecret(productionUrl) }, select: { id: true } });
  const tenantA = (await tenant("Cust40001", "Alpha AS")).id;
  const tenantB = (await tenant("Cust40002", "Beta AB")).id;
  const user = async (email: string, role: "CUSTOMER_ADMIN" | "CUSTOMER_USER" | "SALES_REP" | "OPERATOR", tenantId: string | null) =>
    (await db.user.create({ data: { email, name: email.split("@")[0]!, role, tenantId, passwordHash: "-" }, select: { id: true } })).id;
  return {
    tenantA,
    tenantB,
    productionUrl,
    users: {
      adminA: await user("admin@alpha.example", "CUSTOMER_ADMIN", tenantA),
      userA: await user("user@alpha.example", "CUSTOMER_USER", tenantA),
      adminB: await user("admin@beta.example", "CUSTOMER_ADMIN", tenantB),
      sales: await user("sales@portal.example", "SALES_REP", null),
      operator: await user("operator@portal.example", "OPERATOR", null),
    },
  };
}
