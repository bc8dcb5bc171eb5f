/**
 * Rule 14: every rule is checked again on the finished copy, in a separate pass
 * over a fresh connection (what the copy says, not what the engine believes it
 * wrote). A copy with any failed check is never released.
 */
import type pg from "pg";
import { endOrCut } from "../db/client";
import { openSandboxSession } from "./sandbox-session";
import { SanitizationError } from "./errors";
import type { SandboxExpectations } from "./expectations";
import type { RuleCheck } from "./report";
import { RULE_TITLES } from "./rules";
import { boundedOffending, type CheckContext } from "./rules/rule";
import { CHECKS } from "./verify-checks";

export interface RuleVerification {
  rule: number;
  title: string;
  checks: RuleCheck[];
}

export interface VerificationResult {
  ok: boolean;
  rules: RuleVerification[];
}

export const CHECK_COUNT = CHECKS.length + 1;

/**
 * The verifier's own session on the copy. A run opens it while the copy's last steps
 * run, so the checks need not wait for a connection: it writes nothing, and its
 * transaction begins only when the checks do, after the copy's last commit.
 */
export function openVerifierSession(url: string, signal?: AbortSignal): Promise<pg.Client> {
  // Named, so operators (and the tests) tell it from the copy's own sessions.
  return openSandboxSession(url, signal, { application_name: VERIFIER_APPLICATION_NAME });
}

export const VERIFIER_APPLICATION_NAME = "sandbox-portal verification";

/** Checks every rule on the copy: on a session of `openVerifierSession`'s (which it ends), or on a new one to `sandbox`. */
export async function verifySandbox(
  sandbox: string | Promise<pg.Client>,
  expectations: SandboxExpectations,
  onCheck?: (done: number, total: number) => void,
  context: CheckContext = {},
): Promise<VerificationResult> {
  const client = await (typeof sandbox === "string" ? openVerifierSession(sandbox) : sandbox);
  const byRule = new Map<number, RuleCheck[]>();
  try {
    // Read-only, and one snapshot for all checks: they judge one state of the copy.
    await client.query("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    let done = 0;
    for (const def of CHECKS) {
      // Bounded here whatever the check: some name values a sandbox's user or production put there, of any size.
      const offending = boundedOffending(await def.offending(client, expectations, context));
      const list = byRule.get(def.rule) ?? [];
      list.push(offending.length ? { description: def.description, ok: false, offending } : { description: def.description, ok: true });
      byRule.set(def.rule, list);
      onCheck?.(++done, CHECK_COUNT);
    }
    await client.query("COMMIT");
  } finally {
    await endOrCut(client);
  }
  const failed = [...byRule.values()].flat().filter((c) => !c.ok).length;
  byRule.set(14, [
    {
      description: "rules 0–13, 15, 17 and 18 checked on a fresh connection to the copy",
      ok: failed === 0,
      ...(failed ? { offending: [`${failed} check(s) failed`] } : {}),
    },
  ]);
  onCheck?.(CHECK_COUNT, CHECK_COUNT);
  const rules = [...byRule.entries()]
    .sort(([a], [b]) => a - b)
    .map(([rule, checks]) => ({ rule, title: RULE_TITLES[rule] ?? `Rule ${rule}`, checks }));
  return { ok: failed === 0, rules };
}

/** Throws VERIFY_FAILED naming each failed rule, check and a few offending rows. */
export function assertVerified(result: VerificationResult): void {
  if (result.ok) return;
  const failures = result.rules.flatMap((r) =>
    r.rule === 14
      ? []
      : r.checks.filter((c) => !c.ok).map((c) => ({ rule: r.rule, title: r.title, check: c.description, offending: c.offending ?? [] })),
  );
  const text = failures
    .map((f) => `rule ${f.rule} (${f.title}): ${f.check} — ${f.offending.join("; ")}`)
    .join("\n");
  throw new SanitizationError("VERIFY_FAILED", `The copy failed verification and was not released:\n${text}`, { failures });
}
