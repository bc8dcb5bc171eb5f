/**
 * The rules applied on the copy after the data is in (each rule's `afterCopy`,
 * rules/): a handful of rows each, through the CRM Prisma client, where a typed
 * client reads better than SQL. Everything runs in one transaction.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/crm/client";
import { CONTRACT_RULES } from "./rules";
import type { AfterCopyInput } from "./rules/rule";

/** rule → change key → count */
export type PostRuleChanges = Record<number, Record<string, number>>;

/**
 * A few statements, but on a busy sandbox server they may take longer than Prisma's
 * 5-second default, and a run must not fail for that. A run has its own overall bounds.
 */
const TRANSACTION_LIMITS = { maxWait: 30_000, timeout: 120_000 };

export async function applyPostCopyRules(copyUrl: string, input: AfterCopyInput): Promise<PostRuleChanges> {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: copyUrl }) });
  try {
    return await prisma.$transaction(async (tx) => {
      const changes: PostRuleChanges = {};
      // In rule order: the identity first, the opt-ins (which create rows) last.
      for (const rule of CONTRACT_RULES) if (rule.afterCopy) changes[rule.rule] = await rule.afterCopy(tx, input);
      return changes;
    }, TRANSACTION_LIMITS);
  } finally {
    await prisma.$disconnect();
  }
}
