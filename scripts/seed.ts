/**
 * The demo seed: demo tenants, each with a small generated production database
 * on the portal's server, and an account for every role. Idempotent: running it
 * again changes nothing that exists. `npm run seed`; `npm run dev` runs it too.
 */
import { pathToFileURL } from "node:url";
import { db } from "../lib/db/portal";
import { quoteIdent, withDatabase } from "../lib/db/urls";
import { oneOffQuery } from "../lib/db/one-off-query";
import { withSessionLock } from "../lib/db/session-lock";
import { closeToPublic } from "../lib/db/sandbox-role";
import { hashPassword } from "../lib/auth/password";
import { isStaff } from "../lib/auth/policy";
import { enrolTwoFactor } from "../lib/auth/two-factor";
import { registerTenant } from "../lib/tenants/registry";
import { generateProductionDatabase } from "../lib/crm/generator";
import { DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET, DEMO_TENANTS, DEMO_USERS } from "./demo-accounts";

type Log = (line: string) => void;

/**
 * Why demo data goes into no portal in use: its staff sign in with the README's password
 * and a published second factor, so seeded into a real portal database anyone could sign in
 * as its operator. The embedded server is a developer's own; a database given by URL is
 * seeded only while it holds no account but the demo ones.
 */
export class PortalInUseError extends Error {}

/** The seed's exit code when it refused a portal in use: the launcher then starts the portal without demo data. */
export const PORTAL_IN_USE_EXIT = 3;

async function refuseAPortalInUse(embedded: boolean): Promise<void> {
  if (embedded) return;
  const [accounts, customers] = await Promise.all([
    db.user.count({ where: { email: { notIn: DEMO_USERS.map((u) => u.email) } } }),
    db.tenant.count({ where: { customerId: { notIn: DEMO_TENANTS.map((t) => t.customerId) } } }),
  ]);
  if (accounts + customers > 0) {
    throw new PortalInUseError(
      `this portal database has ${accounts} account(s) and ${customers} customer(s) of its own: demo data, whose staff sign in with a published password and code, is seeded only into a portal with none (or the embedded one)`,
    );
  }
}

/**
 * Set by the launcher for its seeding child to the embedded server's DATABASE_URL, which the
 * child inherits: only a value equal to the very URL it seeds, on this machine, counts, so a
 * variable left in an environment or a .env does not open a database given by URL.
 */
export const EMBEDDED_SEED_ENV = "SEED_INTO_EMBEDDED_DATABASE";

function launchersEmbeddedDatabase(): boolean {
  const url = process.env.DATABASE_URL;
  if (!url || process.env[EMBEDDED_SEED_ENV] !== url) return false;
  return ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);
}

/**
 * Our own advisory-lock key for seeding ("SbxSeed!"): instances started at once with
 * SEED_DEMO_DATA=true each found no demo tenant, each dropped and made its production
 * database, and all but one failed ("crm_cust10001_production already exists"), so did
 * their starts. One seeds; the others then find it done.
 */
const SEED_LOCK_KEY = 0x5362785365656421n;

/** `embedded`: the database is the launcher's own embedded server (no DATABASE_URL). */
export async function seedDemoData(options: { log: Log; embedded: boolean }): Promise<void> {
  await withSessionLock(process.env.DATABASE_URL!, SEED_LOCK_KEY, () => seedOnce(options));
}

async function seedOnce({ log, embedded }: { log: Log; embedded: boolean }): Promise<void> {
  await refuseAPortalInUse(embedded);
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
  try {
    await seedDemoData({ log, embedded: localServer !== null || launchersEmbeddedDatabase() });
  } catch (error) {
    if (!(error instanceof PortalInUseError)) throw error;
    log(`not seeded: ${error.message}`);
    process.exitCode = PORTAL_IN_USE_EXIT;
  } finally {
    await db.$disconnect();
    await localServer?.stop();
  }
}
