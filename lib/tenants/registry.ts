/**
 * The tenant registry: which customer runs on which production database, and
 * where its sandboxes are created. Database URLs hold passwords, so they are
 * sealed at rest and only ever opened on the server, never shown or logged.
 * Plain TypeScript: the operator CLI, the seed, the worker and the app share it.
 */
import type pg from "pg";
import { db } from "../db/portal";
import { redactUrl } from "../db/urls";
import { assertSandboxRole, SandboxRoleError } from "../db/sandbox-role";
import { env } from "../config/env";
import { checkContract } from "../crm/contract-check";
import { openProductionClient } from "../crm/read-only";
import { openSecret, sealSecret } from "../secrets/secret-box";
import { tenantInputSchema, type TenantInput } from "./schema";

export class TenantRegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TenantRegistrationError";
  }
}

export async function registerTenant(raw: TenantInput): Promise<{ id: string; customerId: string }> {
  const parsed = tenantInputSchema.safeParse(raw);
  if (!parsed.success) {
    throw new TenantRegistrationError(parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; "));
  }
  const input = parsed.data;
  if (await db.tenant.findUnique({ where: { customerId: input.customerId }, select: { id: true } })) {
    throw new TenantRegistrationError(`A tenant with customer id ${input.customerId} already exists.`);
  }
  await assertUsableProduction(input.productionUrl, input.customerId);
  if (input.sandboxServerUrl) await assertSandboxServer(input.sandboxServerUrl);

  try {
    return await db.tenant.create({
      data: {
        customerId: input.customerId,
        companyName: input.companyName,
        productionUrlEncrypted: sealSecret(input.productionUrl),
        sandboxServerUrlEncrypted: input.sandboxServerUrl ? sealSecret(input.sandboxServerUrl) : null,
      },
      select: { id: true, customerId: true },
    });
  } catch (error) {
    // Two registrations racing for one customer id: the unique index decides.
    if ((error as { code?: string }).code === "P2002") {
      throw new TenantRegistrationError(`A tenant with customer id ${input.customerId} already exists.`);
    }
    throw error;
  }
}

/** Production must be reachable read-only, match the contract, and be a production (never a sandbox: rule 15). */
export async function assertUsableProduction(url: string, customerId: string): Promise<void> {
  let client: pg.Client;
  try {
    client = await openProductionClient(url, { connectionTimeoutMillis: 5000 });
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
    const { rows } = await client.query<{ customer_id: string; environment: string }>(
      "SELECT customer_id, environment FROM public.installation ORDER BY id",
    );
    if (rows.length !== 1) throw new TenantRegistrationError(`The installation table must hold exactly one row; it holds ${rows.length}.`);
    const installation = rows[0]!;
    if (installation.environment === "sandbox") {
      throw new TenantRegistrationError("That database is a sandbox (installation.environment = 'sandbox'): a sandbox is never a copy source.");
    }
    if (installation.environment !== "production") {
      throw new TenantRegistrationError(`installation.environment is '${installation.environment}', expected 'production'.`);
    }
    if (installation.customer_id !== customerId) {
      throw new TenantRegistrationError(`That database belongs to ${installation.customer_id}, not ${customerId}.`);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The sandbox server's role may create databases and nothing more (lib/db/sandbox-role.ts). */
async function assertSandboxServer(serverUrl: string): Promise<void> {
  try {
    await assertSandboxRole(serverUrl);
  } catch (error) {
    if (error instanceof SandboxRoleError) throw new TenantRegistrationError(error.message);
    throw new TenantRegistrationError(`Cannot connect to the sandbox server at ${redactUrl(serverUrl)}: ${(error as Error).message}`);
  }
}

/** The server sandboxes go to when a tenant names none. */
export function defaultSandboxServerUrl(): string {
  return env().SANDBOX_SERVER_URL;
}

export interface TenantConnections {
  productionUrl: string;
  sandboxServerUrl: string;
}

/** Opens a tenant's sealed URLs: server-side only, never to be sent to a browser or a log. */
export async function tenantConnections(tenantId: string): Promise<TenantConnections> {
  const tenant = await db.tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: { productionUrlEncrypted: true, sandboxServerUrlEncrypted: true },
  });
  return openConnections(tenant);
}

/** The same, for a tenant row already read (lists: no second query per tenant). */
export function openConnections(tenant: { productionUrlEncrypted: string; sandboxServerUrlEncrypted: string | null }): TenantConnections {
  return {
    productionUrl: openSecret(tenant.productionUrlEncrypted),
    sandboxServerUrl: tenant.sandboxServerUrlEncrypted ? openSecret(tenant.sandboxServerUrlEncrypted) : defaultSandboxServerUrl(),
  };
}
