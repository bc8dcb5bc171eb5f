/**
 * The tenant registry: which customer runs on which production database, and
 * which sandbox server (if any) its sandboxes are pinned to. Database URLs hold passwords, so they are
 * sealed at rest and only ever opened on the server, never shown or logged.
 * Plain TypeScript: the operator CLI, the seed, the worker and the app share it.
 */
import type pg from "pg";
import { endOrCut } from "../db/client";
import { db } from "../db/portal";
import { redactUrl, serverNameOf } from "../db/urls";
import { recordAudit } from "../audit/record";
import { addServer } from "../sandbox-servers/mutations";
import { findServerByUrl, freeServerName, SandboxServerError } from "../sandbox-servers/registry";
import { checkContract } from "../crm/contract-check";
import { givingUpAfter, openProductionClient } from "../crm/read-only";
import { openSecret, sealSecret } from "../secrets/secret-box";
import { tenantInputSchema, type TenantInput } from "./schema";
import { quoted } from "../untrusted-text";
import { AppError } from "../errors";

export class TenantRegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TenantRegistrationError";
  }
}

export interface PinnedServer {
  id: string;
  name: string;
  /** Registered by this call (the URL was new to the pool). */
  registered: boolean;
  /** What the operator should set on a server registered by this call (lib/sandbox-servers/sign-in-bound.ts). */
  caution: string | null;
}

export async function registerTenant(raw: TenantInput): Promise<{ id: string; customerId: string; pinnedTo: PinnedServer | null }> {
  const parsed = tenantInputSchema.safeParse(raw);
  if (!parsed.success) {
    throw new TenantRegistrationError(parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; "));
  }
  const input = parsed.data;
  if (await db.tenant.findUnique({ where: { customerId: input.customerId }, select: { id: true } })) {
    throw new TenantRegistrationError(`A tenant with customer id ${input.customerId} already exists.`);
  }
  // A sandbox's own key (lib/sandboxes/customer-key.ts) makes its sign-in address: a tenant of the same key would share it with a sandbox.
  if (await db.sandbox.findUnique({ where: { sandboxCustomerId: input.customerId }, select: { id: true } })) {
    throw new TenantRegistrationError(`Customer id ${input.customerId} is a sandbox's own key on this portal, so it cannot be a tenant's. Contact the portal's developers.`);
  }
  await assertUsableProduction(input.productionUrl, input.customerId);
  const pinnedTo = input.sandboxServerUrl ? await pinnableServer(input.sandboxServerUrl) : null;

  try {
    // Which database a customer's sandboxes copy from is the registry's weightiest fact: audited with it.
    const tenant = await db.$transaction(async (tx) => {
      const made = await tx.tenant.create({
        data: {
          customerId: input.customerId,
          companyName: input.companyName,
          productionUrlEncrypted: sealSecret(input.productionUrl),
          sandboxServerId: pinnedTo?.id ?? null,
        },
        select: { id: true, customerId: true },
      });
      const details = { via: "operator CLI", customerId: made.customerId, company: input.companyName, production: serverNameOf(input.productionUrl), ...(pinnedTo ? { pinnedTo: pinnedTo.name } : {}) };
      await recordAudit({ action: "tenant.registered", actorId: null, tenantId: made.id, targetId: made.id, details }, tx);
      return made;
    });
    return { ...tenant, pinnedTo };
  } catch (error) {
    // Two registrations racing for one customer id: the unique index decides.
    if ((error as { code?: string }).code === "P2002") {
      throw new TenantRegistrationError(`A tenant with customer id ${input.customerId} already exists.`);
    }
    throw error;
  }
}

/**
 * Points a registered tenant at its production's URL anew (a rotated password, a moved
 * host, a URL stored before its parameters were checked): checked as a registration's
 * (the same customer's production, read-only, on the contract), sealed, and audited
 * with the host, never the URL.
 */
export async function changeProductionUrl(customerId: string, url: string): Promise<void> {
  const parsed = tenantInputSchema.shape.productionUrl.safeParse(url);
  if (!parsed.success) throw new TenantRegistrationError(`productionUrl ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  const tenant = await db.tenant.findUnique({ where: { customerId }, select: { id: true, offboardedAt: true } });
  if (!tenant) throw new TenantRegistrationError(`No tenant has customer id ${customerId}.`);
  if (tenant.offboardedAt) throw new TenantRegistrationError(offboardedWords(customerId, tenant.offboardedAt));
  await assertUsableProduction(url, customerId);
  await db.$transaction(async (tx) => {
    await tx.tenant.update({ where: { id: tenant.id }, data: { productionUrlEncrypted: sealSecret(url) } });
    await recordAudit({ action: "tenant.productionUrl.changed", actorId: null, tenantId: tenant.id, targetId: tenant.id, details: { via: "operator CLI", production: serverNameOf(url) } }, tx);
  });
}

/**
 * The server a tenant registered with `--sandbox-server-url` is pinned to: the one
 * registered with that URL, else a new one named by its host and port (its role
 * checked first, like every server's).
 */
async function pinnableServer(url: string): Promise<PinnedServer> {
  try {
    const known = await findServerByUrl(url);
    if (known) return { ...known, registered: false, caution: null };
    const name = await freeServerName(url);
    return { ...(await addServer({ name, url, maxDatabases: null, maxTotalBytes: null, maxConcurrentRuns: null }, null, "operator CLI")), registered: true };
  } catch (error) {
    if (error instanceof SandboxServerError) throw new TenantRegistrationError(error.message);
    throw error;
  }
}

/** Production must be reachable read-only, match the contract, and be a production (never a sandbox: rule 15). */
async function assertUsableProduction(url: string, customerId: string): Promise<void> {
  let client: pg.Client;
  try {
    client = await openProductionClient(url, { connectionTimeoutMillis: 5000, ...givingUpAfter() });
  } catch (error) {
    throw new TenantRegistrationError(`Cannot connect to the production database at ${redactUrl(url)}: ${(error as Error).message}`);
  }
  try {
    const result = await checkContract(client);
    const problems = [
      ...result.missingTables.map((t) => `missing table ${t}`),
      ...result.missingColumns.map((c) => `missing column ${c.table}.${c.column}`),
      ...result.wrongColumns.map((c) => `column ${c.table}.${c.column} is ${c.actual.type}${c.actual.nullable ? " null" : " not null"}, expected ${c.expected.type}${c.expected.nullable ? " null" : " not null"}`),
    ];
    if (problems.length > 0) {
      throw new TenantRegistrationError(`The database does not match the CRM contract: ${problems.join(", ")}.`);
    }
    // Two rows tell "not one"; each value cut: production's text, shown quoted.
    const { rows } = await client.query<{ customer_id: string; environment: string }>(
      "SELECT left(customer_id, 64) AS customer_id, left(environment, 64) AS environment FROM public.installation ORDER BY id LIMIT 2",
    );
    if (rows.length !== 1) throw new TenantRegistrationError(`The installation table must hold exactly one row; it holds ${rows.length === 0 ? "none" : "more"}.`);
    const installation = rows[0]!;
    if (installation.environment === "sandbox") {
      throw new TenantRegistrationError("That database is a sandbox (installation.environment = 'sandbox'): a sandbox is never a copy source.");
    }
    if (installation.environment !== "production") {
      throw new TenantRegistrationError(`installation.environment is ${quoted(installation.environment)}, expected "production".`);
    }
    if (installation.customer_id !== customerId) {
      throw new TenantRegistrationError(`That database belongs to ${quoted(installation.customer_id)}, not ${customerId}.`);
    }
  } finally {
    await endOrCut(client);
  }
}

export interface TenantConnections {
  productionUrl: string;
}

/** Opens a tenant's sealed production URL: server-side only, never to be sent to a browser or a log. */
export async function tenantConnections(tenantId: string): Promise<TenantConnections> {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { productionUrlEncrypted: true } });
  return openConnections(tenant);
}

/**
 * The same, for a tenant row already read (lists: no second query per tenant). A customer
 * that has left has no production URL any more (offboard.ts): nothing reads its production.
 */
export function openConnections(tenant: { productionUrlEncrypted: string | null }): TenantConnections {
  if (tenant.productionUrlEncrypted === null) throw new AppError("CONFLICT", "This customer has left the portal: its production database is no longer known.");
  return { productionUrl: openSecret(tenant.productionUrlEncrypted) };
}

/** What a change for a customer that has left is refused with. */
export const offboardedWords = (customerId: string, at: Date) => `${customerId} left the portal on ${at.toISOString().slice(0, 10)}: nothing new is made for it.`;
