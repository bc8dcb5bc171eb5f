/**
 * The rules applied on the copy after the data is in (each rule's `afterCopy`,
 * rules/): a handful of rows each, through the CRM Prisma client, where a typed
 * client reads better than SQL. Everything runs in one transaction.
 *
 * The client is connected as soon as the copy's database exists (startPostRules, from
 * provision.ts): its first connect loads the query engine, a few hundred milliseconds
 * that then pass while the rows are copied instead of after them.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/crm/client";
import { CONTRACT_RULES } from "./rules";
import { sandboxPool } from "./sandbox-session";
import type { AfterCopyInput } from "./rules/rule";

/** rule → change key → count */
export type PostRuleChanges = Record<number, Record<string, number>>;

/**
 * A few statements, but on a busy sandbox server they may take longer than Prisma's
 * 5-second default, and a run must not fail for that. A run has its own overall bounds.
 */
const TRANSACTION_LIMITS = { maxWait: 30_000, timeout: 120_000 };

export interface PostRules {
  apply(input: AfterCopyInput): Promise<PostRuleChanges>;
  /** Always called, whether or not `apply` was. */
  close(): Promise<void>;
}

/** `signal`: the run's, which cuts the client's sessions when it aborts (sandbox-session.ts). */
export function startPostRules(copyUrl: string, signal?: AbortSignal): PostRules {
  const prisma = new PrismaClient({ adapter: new PrismaPg(sandboxPool(copyUrl, signal), { disposeExternalPool: true }) });
  // A failed early connect is reported by apply(), which connects again.
  const connected = prisma.$connect().catch(() => undefined);
  return {
    async apply(input) {
      await connected;
      return prisma.$transaction(async (tx) => {
        const changes: PostRuleChanges = {};
        // In rule order: the identity first, the opt-ins (which create rows) last.
        for (const rule of CONTRACT_RULES) if (rule.afterCopy) changes[rule.rule] = await rule.afterCopy(tx, input);
        return changes;
      }, TRANSACTION_LIMITS);
    },
    async close() {
      await connected;
      await prisma.$disconnect();
    },
  };
}
