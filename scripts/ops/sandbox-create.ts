/**
 * `sandbox:create`: an order and its setup in one go, for operators and
 * automation, through the very services the portal's order form and wizard use:
 * the same schemas, the same permission rules, the same checks against
 * production, the same audit entries. Only the input differs: flags, and
 * choices from a JSON file in the wizard's shape (--options); users left out get
 * rule 10's default selection. Ordering here implies the two acknowledgements.
 * Then the copy runs in this process, one attempt, with a progress bar.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { loadActor } from "../../lib/auth/load-actor";
import { canActOnTenant, isStaff, type Actor } from "../../lib/auth/policy";
import { db } from "../../lib/db/portal";
import { createOrder } from "../../lib/orders/mutations";
import { orderSchema, type PlanCounts } from "../../lib/orders/schema";
import { sandboxOptionsSchema, type SandboxOptions, type SandboxOptionsInput } from "../../lib/sanitizer/options";
import { listProductionLogins } from "../../lib/tenants/production";
import { asUserPlan, defaultUsers } from "../../lib/wizard/defaults";
import { assertOptionsFitOrder, confirmWizard, requireOpenWizard } from "../../lib/wizard/mutations";
import { CliError } from "./cli-error";
import { asCliError, fieldErrorsLine, optionIssues } from "./option-errors";
import { filePath, kindFromFlags, personalDataFromFlags, required, text, type Flags, parsePlans } from "./flags";
import { carryOut } from "./sandbox-commands";

/** The wizard's choices as a JSON file; which file is named when it cannot be read or is no JSON. */
async function optionsFile(file: string): Promise<SandboxOptionsInput> {
  const content = await readFile(file, "utf8").catch(() => {
    throw new CliError(`cannot read --options file ${file}`);
  });
  try {
    return JSON.parse(content) as SandboxOptionsInput;
  } catch {
    throw new CliError(`--options file ${file} is no JSON: give the wizard's choices as a JSON object`);
  }
}

async function optionsFrom(flags: Flags): Promise<SandboxOptionsInput> {
  const file = filePath(flags, "options");
  const base: SandboxOptionsInput = file ? await optionsFile(file) : {};
  const documents = text(flags, "documents");
  const keepTasks = text(flags, "keep-tasks");
  return {
    ...base,
    // Checked by the options schema like every other value: an unknown kind or share is refused there, naming its flag.
    ...kindFromFlags(flags),
    ...personalDataFromFlags(flags),
    ...(text(flags, "domain") ? { invalidationDomain: text(flags, "domain") } : {}),
    ...(keepTasks ? { keepEnabledTaskIds: keepTasks.split(",").map(Number) } : {}),
    ...(documents ? { documents: documents.startsWith("since:") ? { mode: "since", since: documents.slice(6) } : { mode: documents as "none" | "all" } } : {}),
    ...(flags.attachments === true ? { serviceAttachments: true } : {}),
    ...(flags.maintenance === true ? { stateAfterCopy: "maintenance" } : {}),
  };
}

async function actorFor(flags: Flags): Promise<Actor> {
  const email = required(flags, "as").toLowerCase();
  const user = await db.user.findUnique({ where: { email }, select: { id: true } });
  // --as names whose order this is; it signs nobody in (the operator already has the server), so no second factor applies.
  const actor = user && (await loadActor(user.id, undefined, true));
  if (!actor) throw new CliError(`--as: no user with e-mail ${email}`);
  return actor;
}

/** Who may order for a tenant: the same rule as the order form's two actions. */
const mayOrderFor = (actor: Actor, tenantId: string) =>
  canActOnTenant(actor, "sandbox.order", tenantId) || canActOnTenant(actor, "sandbox.orderForCustomer", tenantId);

export async function createSandbox(flags: Flags): Promise<void> {
  const customerId = required(flags, "customer-id");
  const actor = await actorFor(flags);
  const tenant = await db.tenant.findUnique({ where: { customerId }, select: { id: true, companyName: true, customerId: true } });
  if (!tenant) throw new CliError(`no tenant with customer id ${customerId}`);
  if (!mayOrderFor(actor, tenant.id)) throw new CliError("--as must be someone who may order for that tenant: an operator, a sales rep, or one of its customer admins");

  const order = orderSchema.safeParse({
    name: required(flags, "name"),
    planCounts: parsePlans(required(flags, "plans")),
    note: text(flags, "note") ?? "",
    acknowledgeDeadEnd: true,
    acknowledgeNotBackup: true,
  });
  if (!order.success) throw new CliError(fieldErrorsLine(z.flattenError(order.error).fieldErrors));
  const planCounts: PlanCounts = order.data.planCounts;

  // Every choice is checked before anything is created: a refused run leaves no order behind.
  const options = await resolveOptions(flags, tenant, planCounts);
  try {
    const { sandboxId } = await createOrder(actor, { ...order.data, kind: options.kind, tenantId: tenant.id, onBehalf: isStaff(actor), via: "operator CLI" });
    console.log(`sandbox ${sandboxId} ("${order.data.name}") ordered for ${customerId}`);
    const { runId } = await confirmWizard(actor, await requireOpenWizard(actor, sandboxId), options, { enqueue: false });
    await carryOut({ id: sandboxId, tenantId: tenant.id, name: order.data.name }, runId, "PROVISION");
  } catch (error) {
    throw asCliError(error);
  }
}

async function resolveOptions(flags: Flags, tenant: { id: string; companyName: string; customerId: string }, planCounts: PlanCounts): Promise<SandboxOptions> {
  const raw = await optionsFrom(flags);
  try {
    raw.users ??= await productionDefaultUsers(tenant.id, planCounts);
    // Strict: a key the file holds that the wizard does not read (a misspelt "personal_data") is refused, not left to its default.
    const parsed = sandboxOptionsSchema.strict().safeParse(raw);
    if (!parsed.success) throw new CliError(`invalid options: ${optionIssues(parsed.error)}`);
    await assertOptionsFitOrder({ tenantId: tenant.id, planCounts, tenant }, parsed.data, true);
    return parsed.data;
  } catch (error) {
    throw asCliError(error);
  }
}

async function productionDefaultUsers(tenantId: string, planCounts: PlanCounts) {
  const logins = await listProductionLogins(tenantId);
  return defaultUsers(
    logins.map((l) => ({ id: l.id, username: "", fullName: "", email: null, canLogin: l.canLogin, isRetired: l.isRetired, userPlan: asUserPlan(l.userPlan) })),
    planCounts,
  );
}
