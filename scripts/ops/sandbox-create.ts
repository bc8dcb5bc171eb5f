/**
 * `sandbox:create`: an order with its wizard choices in one go, for operators and
 * automation. Choices come from a JSON file (--options, the wizard's shape) and/or
 * flags; users left out get rule 10's default selection. Then the provision runs here.
 */
import { readFile } from "node:fs/promises";
import { db } from "../../lib/db/portal";
import type { Prisma } from "../../lib/generated/portal/client";
import { openProductionClient } from "../../lib/crm/read-only";
import { sandboxOptionsSchema, USER_PLANS, type SandboxOptionsInput, type UserPlan } from "../../lib/sanitizer/options";
import { asUserPlan, defaultUsers } from "../../lib/wizard/defaults";
import { exceedsOrder } from "../../lib/wizard/schema";
import { newSandboxCustomerId } from "../../lib/sandboxes/customer-key";
import { tenantConnections } from "../../lib/tenants/registry";
import { recordAudit } from "../../lib/audit/record";
import { CliError, required } from "./cli-error";
import { runNow } from "./sandbox-commands";

type Flags = Record<string, string | boolean | undefined>;
const text = (flags: Flags, name: string) => (typeof flags[name] === "string" ? (flags[name] as string) : undefined);

type PlanCounts = Partial<Record<UserPlan, number>>;

function parsePlans(spec: string): PlanCounts {
  const counts: PlanCounts = {};
  for (const part of spec.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [plan, count] = part.split("=");
    if (!USER_PLANS.includes(plan as UserPlan)) throw new CliError(`--plans: unknown plan "${plan}" (plans: ${USER_PLANS.join(", ")})`);
    const n = Number(count);
    if (!Number.isInteger(n) || n < 0 || n > 500) throw new CliError(`--plans: "${part}" needs a whole number from 0 to 500`);
    counts[plan as UserPlan] = n;
  }
  if (Object.values(counts).reduce((s, n) => s + (n ?? 0), 0) < 1) throw new CliError("--plans: order at least one user plan");
  return counts;
}

async function optionsFrom(flags: Flags): Promise<SandboxOptionsInput> {
  const file = text(flags, "options");
  const base: SandboxOptionsInput = file
    ? (JSON.parse(await readFile(file, "utf8").catch(() => { throw new CliError(`cannot read --options file ${file}`); })) as SandboxOptionsInput)
    : {};
  const documents = text(flags, "documents");
  return {
    ...base,
    ...(text(flags, "domain") ? { invalidationDomain: text(flags, "domain") } : {}),
    ...(text(flags, "keep-tasks") ? { keepEnabledTaskIds: text(flags, "keep-tasks")!.split(",").map(Number) } : {}),
    ...(documents ? { documents: documents.startsWith("since:") ? { mode: "since", since: documents.slice(6) } : { mode: documents as "none" | "all" } } : {}),
    ...(flags.attachments === true ? { serviceAttachments: true } : {}),
    ...(flags.maintenance === true ? { stateAfterCopy: "maintenance" } : {}),
  };
}

export async function createSandbox(flags: Flags): Promise<void> {
  const customerId = required(text(flags, "customer-id"), "customer-id");
  const name = required(text(flags, "name"), "name");
  if (!/^[A-Za-z0-9][A-Za-z0-9 _-]{1,39}$/.test(name)) throw new CliError("--name: 2–40 letters, digits, spaces, - or _, starting with a letter or digit");
  const planCounts = parsePlans(required(text(flags, "plans"), "plans"));
  const actorEmail = required(text(flags, "as"), "as").toLowerCase();
  const tenant = await db.tenant.findUnique({ where: { customerId }, select: { id: true } });
  if (!tenant) throw new CliError(`no tenant with customer id ${customerId}`);
  const actor = await db.user.findUnique({ where: { email: actorEmail }, select: { id: true, role: true, tenantId: true } });
  if (!actor) throw new CliError(`--as: no user with e-mail ${actorEmail}`);
  const allowed = actor.role === "OPERATOR" || (actor.role === "CUSTOMER_ADMIN" && actor.tenantId === tenant.id);
  if (!allowed) throw new CliError("--as must be an operator or a customer admin of that tenant");
  if (await db.sandbox.findUnique({ where: { tenantId_name: { tenantId: tenant.id, name } } })) {
    throw new CliError(`${customerId} already has a sandbox named "${name}"`);
  }

  const raw = await optionsFrom(flags);
  if (!raw.users) raw.users = await productionDefaultUsers(tenant.id, planCounts);
  const parsed = sandboxOptionsSchema.safeParse(raw);
  if (!parsed.success) throw new CliError(`invalid options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const options = parsed.data;
  const over = exceedsOrder(options.users, planCounts);
  if (over.length > 0) throw new CliError(`more users than the order's plans: ${over.join(", ")}`);

  const sandboxCustomerId = await newSandboxCustomerId();
  const sandbox = await db.$transaction(async (tx) => {
    const created = await tx.sandbox.create({
      data: {
        tenantId: tenant.id, name, planCounts, orderedById: actor.id, sandboxCustomerId,
        status: "QUEUED", confirmedAt: new Date(), options: options as Prisma.InputJsonValue,
      },
    });
    await recordAudit({ action: "sandbox.ordered", actorId: actor.id, tenantId: tenant.id, targetId: created.id, details: { via: "operator CLI", name, planCounts, sandboxCustomerId } }, tx);
    return created;
  });
  console.log(`sandbox ${sandbox.id} ("${name}") ordered for ${customerId}`);
  await runNow(sandbox, "PROVISION", options as Prisma.InputJsonValue, actor.id, "sandbox.wizard.confirmed");
}

async function productionDefaultUsers(tenantId: string, planCounts: PlanCounts) {
  const { productionUrl } = await tenantConnections(tenantId);
  const client = await openProductionClient(productionUrl);
  try {
    const { rows } = await client.query<{ id: number; can_login: boolean; is_retired: boolean; user_plan: string | null }>(
      "SELECT id, can_login, is_retired, user_plan FROM public.associate",
    );
    return defaultUsers(
      rows.map((r) => ({ id: r.id, username: "", fullName: "", email: null, canLogin: r.can_login, isRetired: r.is_retired, userPlan: asUserPlan(r.user_plan) })),
      planCounts,
    );
  } finally {
    await client.end();
  }
}
