/** Tenants: register one on an existing production database, generate one, list them with sizes. */
import { db } from "../../lib/db/portal";
import { quoteIdent, withDatabase, databaseNameOf } from "../../lib/db/urls";
import { generateProductionDatabase } from "../../lib/crm/generator";
import { changeProductionUrl, openConnections, registerTenant, TenantRegistrationError } from "../../lib/tenants/registry";
import { customerIdSchema, tenantInputSchema } from "../../lib/tenants/schema";
import { CliError } from "./cli-error";
import { filePath, parsePlans, required, text, type Flags } from "./flags";
import { progressBar } from "../../lib/crm/generator/progress-bar";
import { getProductionSize, orNullWhenUnavailable } from "../../lib/tenants/production";
import { formatBytes } from "../../lib/format";
import { oneOffQuery } from "../../lib/db/one-off-query";
import { closeToPublic } from "../../lib/db/sandbox-role";
import { copyLimits, tenantCopyRateMBps } from "../../lib/config/copy-limits";
import { setTenantCopyRate } from "../../lib/tenants/copy-rate";
import { setEntitlements } from "../../lib/tenants/entitlements";
import { setTenantClassification } from "../../lib/tenants/classification";
import { TenantSettingError } from "../../lib/tenants/setting-error";
import { loadClassification, type Classification } from "../../lib/sanitizer/classification";
import { SanitizationError } from "../../lib/sanitizer/errors";
import { PLAN_LABEL, type UserPlan } from "../../lib/sanitizer/options";
import { productionTlsWarning, refusedUrlParameters } from "../../lib/crm/production-url";
import { tlsRefusal, tlsShown } from "../../lib/db/tls-policy";
import { offboardTenant, OffboardingRefused } from "../../lib/tenants/offboard";
import { carryOut } from "./sandbox-commands";


export async function addTenant(flags: Flags): Promise<void> {
  try {
    const productionUrl = required(flags, "production-url");
    const tenant = await registerTenant({
      customerId: required(flags, "customer-id"),
      companyName: required(flags, "company"),
      productionUrl,
      sandboxServerUrl: text(flags, "sandbox-server-url"),
    });
    const insecure = productionTlsWarning(productionUrl);
    if (insecure) console.error(`warning: ${insecure}`);
    const pin = tenant.pinnedTo;
    if (pin?.registered) console.log(`sandbox server ${pin.name} registered`);
    if (pin?.caution) console.error(`warning: ${pin.caution}`);
    console.log(`tenant ${tenant.customerId} registered (id ${tenant.id})${pin ? `, pinned to sandbox server ${pin.name}` : ""}`);
  } catch (error) {
    if (error instanceof TenantRegistrationError) throw new CliError(error.message);
    throw error;
  }
}

const SCALES = ["small", "medium", "large"] as const;

/**
 * Generates a production database for a new tenant on the portal's server and
 * registers the tenant. A failure drops what was created: nothing half-made stays.
 */
export async function generateTenant(flags: Flags): Promise<void> {
  const customerId = customerIdSchema.safeParse(required(flags, "customer-id"));
  if (!customerId.success) throw new CliError(`--customer-id ${customerId.error.issues[0]?.message}`);
  // Checked as the registration at the end checks it: a name it refuses was found only once the whole production was generated.
  const company = tenantInputSchema.shape.companyName.safeParse(required(flags, "company"));
  if (!company.success) throw new CliError(`--company ${company.error.issues[0]?.message}`);
  const companyName = company.data;
  const scale = (text(flags, "scale") ?? "small") as (typeof SCALES)[number];
  if (!SCALES.includes(scale)) throw new CliError(`--scale must be one of ${SCALES.join(", ")}`);
  const seed = Number(text(flags, "seed") ?? 1);
  if (!Number.isInteger(seed)) throw new CliError("--seed must be a whole number");
  if (await db.tenant.findUnique({ where: { customerId: customerId.data } })) {
    throw new CliError(`A tenant with customer id ${customerId.data} already exists.`);
  }

  const serverUrl = withDatabase(process.env.DATABASE_URL!, "postgres");
  const name = `crm_${customerId.data.toLowerCase()}_production`;
  const databaseUrl = withDatabase(serverUrl, name);
  await createGeneratedDatabase(serverUrl, name, databaseUrl, customerId.data);
  try {
    await closeToPublic(serverUrl, name); // the sandbox role must not even connect to it
    const bar = progressBar();
    const started = Date.now();
    const result = await generateProductionDatabase({ databaseUrl, customerId: customerId.data, companyName, scale, seed, onProgress: bar.update });
    const seconds = (Date.now() - started) / 1000;
    bar.done();
    console.log(`generated ${result.rows.toLocaleString("en")} rows, ${(result.bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s (${Math.round(result.rows / seconds).toLocaleString("en")} rows/s)`);
    await registerTenant({ customerId: customerId.data, companyName, productionUrl: databaseUrl });
    console.log(`tenant ${customerId.data} registered`);
  } catch (error) {
    await oneOffQuery(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).catch(() => undefined);
    if (error instanceof TenantRegistrationError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * The database tenant:generate fills, made anew; or, left by a run of it that was stopped
 * part-way (Ctrl-C, a lost terminal or connection: nothing dropped it), taken over. The
 * generation is one transaction, so such a run leaves it empty, and no tenant has the
 * customer id (checked before). One that holds anything, or that someone is connected to
 * (a generation under way), is neither taken nor dropped. Before, every run after a stopped
 * one said "already exists", and only dropping the database by hand let it finish.
 */
async function createGeneratedDatabase(serverUrl: string, name: string, databaseUrl: string, customerId: string): Promise<void> {
  try {
    await oneOffQuery(serverUrl, `CREATE DATABASE ${quoteIdent(name)}`);
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== "42P04") throw new CliError(`Cannot create database ${name}: ${(error as Error).message}`);
  }
  const [inUse] = await oneOffQuery(serverUrl, "SELECT 1 FROM pg_stat_activity WHERE datname = $1 LIMIT 1", [name]);
  if (inUse) throw new CliError(`database ${name} already exists and is in use (a tenant:generate for ${customerId} still running?): wait for it, or stop it, then run tenant:generate again`);
  const [held] = await oneOffQuery<{ n: string }>(
    databaseUrl,
    "SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'",
  );
  if (Number(held?.n ?? 0) > 0) {
    throw new CliError(`database ${name} already exists and holds tables, but no tenant ${customerId} is registered: register it with tenant:add, or drop it, then run tenant:generate again`);
  }
}

/** A tenant's production URL anew (a rotated password, a moved host): checked as tenant:add checks one. */
export async function setProductionUrl(flags: Flags): Promise<void> {
  const customerId = required(flags, "customer-id");
  const productionUrl = required(flags, "production-url");
  try {
    await changeProductionUrl(customerId, productionUrl);
  } catch (error) {
    if (error instanceof TenantRegistrationError) throw new CliError(error.message);
    throw error;
  }
  const insecure = productionTlsWarning(productionUrl);
  if (insecure) console.error(`warning: ${insecure}`);
  console.log(`tenant ${customerId}: production URL changed, from its next read`);
}

/**
 * Productions whose size is read at once: each read is bounded (its connection, its
 * statement), but one after another a thousand tenants took up to a thousand times that.
 */
const SIZE_READS_AT_ONCE = 8;

/** `--without-sizes`: the portal database's facts alone, with no production read. */
export async function listTenants(flags: Flags = {}): Promise<void> {
  const tenants = await db.tenant.findMany({ orderBy: { customerId: "asc" }, include: { _count: { select: { users: true, sandboxes: true } } } });
  // A customer that has left has no production URL (offboard.ts): nothing of it is read.
  const urls = tenants.map((t) => (t.offboardedAt ? null : openConnections(t).productionUrl));
  const sizes =
    flags["without-sizes"] === true ? null : await inParallel(urls, SIZE_READS_AT_ONCE, (url) => (url === null ? Promise.resolve(null) : orNullWhenUnavailable(getProductionSize(url))));
  const rows = [];
  for (const [i, t] of tenants.entries()) {
    const productionUrl = urls[i];
    const refused = productionUrl ? refusedUrlParameters(productionUrl) : [];
    const left = t.offboardedAt ? `left on ${t.offboardedAt.toISOString().slice(0, 10)}` : null;
    rows.push({
      customerId: t.customerId,
      company: t.companyName,
      users: t._count.users,
      sandboxes: t._count.sandboxes,
      productionDatabase: productionUrl ? databaseNameOf(productionUrl) : "—",
      // A URL stored before parameters were checked: every read of it is refused until it is registered again.
      productionUrl: left ?? (refused.length ? `refused: ${refused.join(", ")}` : productionUrl && tlsRefusal(productionUrl) ? "refused: no checked TLS" : "ok"),
      // Which URLs REQUIRE_DATABASE_TLS refuses, or would: to be registered again with checked TLS first.
      tls: productionUrl ? tlsShown(productionUrl) : "—",
      ...(sizes ? { productionSize: productionUrl ? formatSize(sizes[i] ?? null) : "—" } : {}),
      copyRate: formatRate(t),
    });
  }
  console.table(rows);
}

/** `--mbps 5` caps the tenant's runs at 5 MB/s, `0` lifts any cap, `default` follows COPY_RATE_LIMIT_MBPS again. */
export async function setCopyRate(flags: Flags): Promise<void> {
  const customerId = required(flags, "customer-id");
  const given = required(flags, "mbps");
  // Decimal digits only: Number() also reads "0x10" as 16 and "1e3" as 1000.
  if (given !== "default" && !/^\d+(\.\d+)?$/.test(given)) throw new CliError("--mbps must be a number of MB/s such as 5 or 2.5, 0 for no cap, or default");
  const mbps = given === "default" ? null : Number(given);
  try {
    await setTenantCopyRate(customerId, mbps);
  } catch (error) {
    if (error instanceof TenantSettingError) throw new CliError(error.message);
    throw error;
  }
  console.log(`tenant ${customerId}: copy rate ${formatRate({ copyRateLimitMBps: mbps })}, from its next run`);
}

/**
 * `--file tenant.json` replaces the tenant's own classification (the file's format;
 * laid over the operator's defaults), `--clear` goes back to the defaults alone.
 */
export async function classifyTenant(flags: Flags): Promise<void> {
  const customerId = required(flags, "customer-id");
  const file = filePath(flags, "file");
  if (Boolean(file) === Boolean(flags.clear)) throw new CliError("give either --file <classification.json> or --clear");
  // Read and checked as the defaults file is: the same errors, naming the file.
  const value: Classification | null = file
    ? await loadClassification(file).catch((error: unknown) => {
        throw error instanceof SanitizationError ? new CliError(error.message) : error;
      })
    : null;
  try {
    const stored = await setTenantClassification(customerId, value);
    console.log(
      stored
        ? `tenant ${customerId}: ${Object.keys(stored.columns).length} columns, ${Object.keys(stored.tables).length} tables and ${stored.objects.length} objects classified, over the defaults`
        : `tenant ${customerId}: the default classification alone`,
    );
  } catch (error) {
    if (error instanceof TenantSettingError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * `--sandboxes 3 --plans sales-premium=10,complete=2`: what the customer's agreement
 * covers (a customer admin orders within it; staff order beyond it). `unlimited`
 * lifts either limit. Audited.
 */
export async function setTenantEntitlements(flags: Flags): Promise<void> {
  const customerId = required(flags, "customer-id");
  const sandboxes = text(flags, "sandboxes");
  const plans = text(flags, "plans");
  if (sandboxes === undefined && plans === undefined) throw new CliError("give --sandboxes N|unlimited, --plans <plan>=<count>,…|unlimited, or both");
  if (sandboxes !== undefined && sandboxes !== "unlimited" && !/^\d{1,6}$/.test(sandboxes)) throw new CliError("--sandboxes must be a whole number from 0 to 100000, or unlimited");
  const current = await db.tenant.findUnique({ where: { customerId }, select: { entitledSandboxes: true, entitledPlans: true } });
  if (!current) throw new CliError(`No tenant has customer id ${customerId}.`);
  const count = sandboxes === undefined ? current.entitledSandboxes : sandboxes === "unlimited" ? null : Number(sandboxes);
  const planCounts =
    plans === undefined
      ? (current.entitledPlans as Partial<Record<UserPlan, number>> | null)
      : plans === "unlimited"
        ? null
        : Object.fromEntries(Object.entries(parsePlans(plans)).filter(([, n]) => n > 0 || Number.isNaN(n)));
  try {
    await setEntitlements(customerId, { sandboxes: count, plans: planCounts }, null, "operator CLI");
  } catch (error) {
    if (error instanceof TenantSettingError) throw new CliError(error.message);
    throw error;
  }
  const planWords = planCounts === null ? "any number of user plans" : Object.entries(planCounts).map(([p, n]) => `${n} ${PLAN_LABEL[p as UserPlan]}`).join(", ") || "no user plans";
  console.log(`tenant ${customerId}: entitled to ${count === null ? "any number of" : count} sandboxes at once and ${planWords}`);
}

function formatRate(tenant: { copyRateLimitMBps: number | null }): string {
  const mbps = tenantCopyRateMBps(tenant, copyLimits());
  const rate = mbps > 0 ? `at most ${mbps} MB/s` : "full speed";
  return tenant.copyRateLimitMBps === null ? `${rate} (default)` : rate;
}

const formatSize = (bytes: number | null) => (bytes === null ? "unreachable" : formatBytes(bytes));

/** `work` on every item, at most `atOnce` at a time; the results in the items' order. */
async function inParallel<T, R>(items: readonly T[], atOnce: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, items.length) }, lane));
  return results;
}

/**
 * `tenant:offboard --customer-id X --confirm X`: the customer leaves (lib/tenants/offboard.ts).
 * Its sandboxes' deletions are carried out here, one after another; one that fails is said,
 * and running the command again asks for it again.
 */
export async function offboardTenantCommand(flags: Flags): Promise<void> {
  const customerId = required(flags, "customer-id");
  let outcome;
  try {
    outcome = await offboardTenant(customerId, text(flags, "confirm") ?? "");
  } catch (error) {
    if (error instanceof OffboardingRefused) throw new CliError(error.message);
    throw error;
  }
  if (outcome.leftNow) {
    console.log(
      `${customerId} has left the portal: its production URL is forgotten; ${outcome.accountsDisabled.length} account(s) disabled, ${outcome.webhooksRemoved} webhook(s) removed, ` +
        `${outcome.ordersCancelled} open order(s) and ${outcome.runsCancelled} waiting run(s) cancelled, ${outcome.endedWithoutCopy} sandbox(es) without a copy ended`,
    );
  } else {
    console.log(`${customerId} had left the portal before: deleting what is left of its sandboxes`);
  }
  const tenant = await db.tenant.findUniqueOrThrow({ where: { customerId }, select: { id: true } });
  const failed: string[] = [];
  for (const deletion of outcome.deletions) {
    try {
      await carryOut({ id: deletion.sandboxId, tenantId: tenant.id, name: deletion.name }, deletion.runId, "DELETE");
    } catch (error) {
      // Taken meanwhile by a worker (a run without a job is given one after a minute): it goes on there.
      const run = await db.sandboxRun.findUniqueOrThrow({ where: { id: deletion.runId }, select: { status: true } });
      if (run.status === "QUEUED" || run.status === "RUNNING") continue;
      failed.push(`"${deletion.name}" (${deletion.sandboxId}): ${error instanceof CliError ? error.message : String(error)}`);
    }
  }
  const left = await db.sandbox.findMany({ where: { tenantId: tenant.id, deletedAt: null }, select: { name: true, runs: { where: { kind: "DELETE", status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true } } } });
  const beingDeleted = left.filter((s) => s.runs.length > 0).length;
  const problems = [
    ...(failed.length ? [`${failed.length} deletion(s) failed: ${failed.join("; ")}`] : []),
    ...(outcome.stillCopying.length ? [`a copy still runs for ${outcome.stillCopying.map((n) => `"${n}"`).join(", ")}: stop it (sandbox:cancel) or let it end`] : []),
  ];
  if (problems.length > 0) throw new CliError(`${problems.join(". ")}. Run tenant:offboard again to delete what is left.`);
  console.log(left.length === 0 ? `every sandbox of ${customerId} is deleted` : `${beingDeleted} sandbox(es) of ${customerId} are being deleted by the portal's workers`);
}
