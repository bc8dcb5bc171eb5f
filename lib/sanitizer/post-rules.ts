/**
 * The rules applied on the copy after the data is in, through the CRM Prisma
 * client: a handful of rows each, where a typed client reads better than SQL.
 * Rules 1 (identity), 4 (the sandbox's own Service mailbox), 8 (carried apps and
 * webhooks) and 11 (opt-ins). Everything runs in one transaction.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/crm/client";
import type { CarryOver } from "./carry-over";
import type { SandboxOptions } from "./options";

export const OPT_IN_PREFERENCES = ["Statistics OptIn - Configured", "UserSync OptIn - Configured"] as const;

export interface PostRuleInput {
  sandboxCustomerId: string;
  sourceCustomerId: string;
  sourceCompanyName: string;
  sourceSerialNumber: string;
  snapshotAt: Date;
  options: SandboxOptions;
  serviceMailboxAddress: string;
  newMailboxId: number;
  carried: CarryOver;
}

/** rule → change key → count */
export type PostRuleChanges = Record<number, Record<string, number>>;

export function sandboxSerialNumber(companyName: string, serialNumber: string): string {
  return `Test Env - ${companyName}/${serialNumber}`;
}

export async function applyPostCopyRules(copyUrl: string, input: PostRuleInput): Promise<PostRuleChanges> {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: copyUrl }) });
  try {
    return await prisma.$transaction(async (tx) => {
      const identity = await tx.installation.updateMany({
        data: {
          environment: "sandbox",
          customerId: input.sandboxCustomerId,
          sourceCustomerId: input.sourceCustomerId,
          copiedAt: input.snapshotAt,
          serialNumber: sandboxSerialNumber(input.sourceCompanyName, input.sourceSerialNumber),
          state: input.options.stateAfterCopy,
        },
      });

      // Created with an explicit id above every production mailbox id, so it can
      // never be mistaken for one; tickets were already pointed at it by the copy.
      await tx.serviceMailbox.create({
        data: { id: input.newMailboxId, address: input.serviceMailboxAddress, isActive: true, createdAt: new Date() },
      });

      // A carried row may name an associate who no longer exists in production.
      const referenced = [
        ...input.carried.appAuthorizations.map((a) => a.authorized_by),
        ...input.carried.webhooks.map((w) => w.created_by),
      ].filter((id): id is number => id !== null);
      const present = new Set(
        (await tx.associate.findMany({ where: { id: { in: referenced } }, select: { id: true } })).map((a) => a.id),
      );
      const keep = (id: number | null) => (id !== null && present.has(id) ? id : null);
      const apps = await tx.appAuthorization.createMany({
        data: input.carried.appAuthorizations.map((a) => ({
          id: a.id,
          appName: a.app_name,
          clientId: a.client_id,
          systemUserToken: a.system_user_token,
          accessToken: a.access_token,
          refreshToken: a.refresh_token,
          scopes: a.scopes,
          authorizedById: keep(a.authorized_by),
          authorizedAt: a.authorized_at,
        })),
      });
      const hooks = await tx.webhook.createMany({
        data: input.carried.webhooks.map((w) => ({
          id: w.id,
          name: w.name,
          kind: w.kind,
          targetUrl: w.target_url,
          events: w.events,
          secret: w.secret,
          active: w.active,
          createdById: keep(w.created_by),
          createdAt: w.created_at,
        })),
      });

      // associate_id NULL is never equal to NULL, so the unique key cannot be used
      // for an upsert: update, then create what is missing.
      let optInsChanged = 0;
      let optInsCreated = 0;
      for (const name of OPT_IN_PREFERENCES) {
        const where = { section: "System", name, associateId: null };
        optInsChanged += (await tx.preference.updateMany({ where: { ...where, value: { not: "No" } }, data: { value: "No" } })).count;
        if ((await tx.preference.count({ where })) === 0) {
          await tx.preference.create({ data: { ...where, value: "No" } });
          optInsCreated++;
        }
      }

      return {
        1: { "installation.updated": identity.count },
        4: { "service_mailbox.created": 1 },
        8: { "app_authorization.carried": apps.count, "webhook.carried": hooks.count },
        11: { "preference.set_no": optInsChanged, "preference.created": optInsCreated },
      };
    });
  } finally {
    await prisma.$disconnect();
  }
}
