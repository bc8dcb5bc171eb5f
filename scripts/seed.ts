/**
 * The demo seed: demo tenants, each with a small generated production database
 * on the portal's server, and an account for every role. Idempotent: running it
 * again changes nothing that exists. `npm run seed`; `npm run dev` runs it too.
 */
import { pathToFileURL } from "node:url";
import { db } from "../lib/db/portal";
import { quoteIdent, withDatabase } from "../lib/db/urls";
import { oneOffQuery } from "../lib/db/one-off-query";
import { closeToPublic } from "../lib/db/sandbox-role";
import { hashPassword } from "../lib/auth/password";
import { isStaff } from "../lib/auth/policy";
import { enrolTwoFactor } from "../lib/auth/two-factor";
import { registerTenant } from "../lib/tenants/registry";
import { generateProductionDatabase } from "../lib/crm/generator";
import { DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET, DEMO_TENANTS, DEMO_USERS } from "./demo-accounts";

type Log = (line: string) => void;

export async function seedDemoData({ log }: { log: Log }): Promise<void> {
  const serverUrl = withDatabase(process.env.DATABASE_URL!, "postgres");
  for (const tenant of DEMO_TENANTS) {
    if (await db.tenant.findUnique({ where: { customerId: tenant.customerId }, select: { id: true } })) continue;
    const productionUrl = await freshProductionDatabase(serverUrl, tenant, log);
    await registerTenant({ customerId: tenant.customerId, companyName: tenant.companyName, productionUrl });
    log(`demo tenant ${tenant.customerId} (${tenant.companyName}) registered`);
  }

  const tenants = new Map((await db.tenant.findMany({ select: { id: true, customerId: true } })).map((t) => [t.customerId, t.id]));
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const user of DEMO_USERS) {
    const tenantId = user.customerId ? tenants.get(user.customerId) ?? null : null;
    const created = await db.user.upsert({
      where: { email: user.email },
      update: {},
      create: { email: user.email, name: user.name, role: user.role, tenantId, passwordHash },
      select: { id: true, email: true, createdAt: true, totpSecretEncrypted: true },
    });
    if (Date.now() - created.createdAt.getTime() < 5000) log(`demo account ${user.email} created`);
    // Staff sign in with a second factor: the demo staff share the documented demo secret (README, demo accounts).
    if (isStaff(user) && !created.totpSecretEncrypted) await enrolTwoFactor(created, DEMO_STAFF_TOTP_SECRET);
  }
}

/**
 * A freshly generated production database for a demo tenant. A leftover from
 * an interrupted seed (the tenant was never registered) is dropped and made again.
 */
async function freshProductionDatabase(
  serverUrl: string,
  tenant: (typeof DEMO_TENANTS)[number],
  log: Log,
): Promise<string> {
  const name = `crm_${tenant.customerId.toLowerCase()}_production`;
  await oneOffQuery(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  await oneOffQuery(serverUrl, `CREATE DATABASE ${quoteIdent(name)}`);
  // On the server sandboxes are made on: the sandbox role must not even connect to it.
  await closeToPublic(serverUrl, name);
  const databaseUrl = withDatabase(serverUrl, name);
  const started = Date.now();
  const result = await generateProductionDatabase({
    databaseUrl,
    customerId: tenant.customerId,
    companyName: tenant.companyName,
    scale: "small",
    seed: tenant.seed,
  });
  log(`generated production database for ${tenant.customerId}: ${result.rows} rows in ${Date.now() - started} ms`);
  return databaseUrl;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { bootstrap } = await import("../lib/startup/bootstrap");
  const log = (line: string) => console.log(`[seed] ${line}`);
  const { localServer } = await bootstrap({ log });
  await seedDemoData({ log });
  await db.$disconnect();
  await localServer?.stop();
}
