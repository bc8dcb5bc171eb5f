/**
 * associate: the CRM's users. Few enough to keep in memory; other tables copy
 * their names and addresses (inbox accounts, ticket replies).
 */
import type { CopyValue } from "../copy-text";
import type { AssociateRow, GeneratorContext } from "../context-types";
import { REFERENCE_TIME, YEAR, timestamp } from "../time";
import { asciiFold } from "../text";
import type { TableSource } from "./table-source";
import { USER_PLANS } from "../../contract";

type PartialContext = Pick<GeneratorContext, "plan" | "pools" | "installation" | "rng">;

export function buildAssociates(ctx: PartialContext): AssociateRow[] {
  const rng = ctx.rng("associate");
  const taken = new Set<string>();
  const rows: AssociateRow[] = [];
  for (let id = 1; id <= ctx.plan.associates; id++) {
    const r = rng.at(id);
    if (id === 1) {
      // Every installation has its built-in administrator.
      taken.add("admin");
      rows.push({
        id, username: "admin", fullName: "System Administrator",
        email: `crm-admin@${ctx.installation.domain}`, userPlan: "complete",
        canLogin: true, isRetired: false, createdAt: REFERENCE_TIME - 9 * YEAR,
      });
      continue;
    }
    const first = r.pick(ctx.pools.home.firstNames);
    const last = r.pick(ctx.pools.home.lastNames);
    let username = asciiFold(`${first}.${last}`).toLowerCase().replace(/[^a-z.]/g, "");
    if (taken.has(username)) username = `${username}${id}`;
    taken.add(username);
    const isRetired = id > 8 && r.chance(0.1);
    const canLogin = !isRetired && (id <= 8 || r.chance(0.8));
    // The first associates cycle through every plan so each scale has them all.
    const plan = id <= USER_PLANS.length + 1 ? USER_PLANS[id - 2] : r.pick(USER_PLANS);
    const userPlan = canLogin ? (id > 8 && r.chance(0.05) ? null : (plan ?? null)) : r.chance(0.05) ? (plan ?? null) : null;
    rows.push({
      id, username, fullName: `${first} ${last}`,
      email: r.chance(0.95) ? `${username}@${ctx.installation.domain}` : null,
      userPlan, canLogin, isRetired,
      createdAt: REFERENCE_TIME - Math.floor(r.next() * 9 * YEAR),
    });
  }
  return rows;
}

export function associateSource(ctx: GeneratorContext): TableSource {
  return {
    table: "associate",
    columns: ["id", "username", "full_name", "email", "user_plan", "can_login", "is_retired", "created_at"],
    count: ctx.associates.length,
    *rows(): Generator<CopyValue[]> {
      for (const a of ctx.associates) {
        yield [a.id, a.username, a.fullName, a.email, a.userPlan, a.canLogin, a.isRetired, timestamp(a.createdAt)];
      }
    },
  };
}

/** A uniformly chosen associate id from a random number in [0, 1). */
export function pickAssociate(ctx: GeneratorContext, u: number): number {
  return 1 + Math.floor(u * ctx.associates.length);
}
