/** sale, project and appointment: the activity on the customer base. */
import type { CopyValue } from "../copy-text";
import type { GeneratorContext } from "../context-types";
import { companyIdentity, contactOf } from "../entities";
import { DAY, HOUR, MINUTE, REFERENCE_TIME, YEAR, dateOnly, timestamp, toMinute } from "../time";
import { pickAssociate } from "./associates";
import type { TableSource } from "./table-source";

const STAGES = [
  ["lead", 15, 10],
  ["qualified", 15, 25],
  ["proposal", 15, 50],
  ["negotiation", 10, 75],
  ["won", 30, 100],
  ["lost", 15, 0],
] as const;
const CURRENCIES = [["NOK", 50], ["SEK", 20], ["EUR", 15], ["DKK", 8], ["USD", 5], ["GBP", 2]] as const;

export function saleSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("sale");
  const { companies, sales } = ctx.plan;
  return {
    table: "sale",
    columns: ["id", "company_id", "contact_id", "owner_id", "title", "amount", "currency", "stage", "probability", "expected_close", "created_at", "updated_at"],
    count: sales,
    *rows(): Generator<CopyValue[]> {
      for (let id = 1; id <= sales; id++) {
        const r = rng.at(id);
        const companyId = r.int(1, companies);
        const index = id <= STAGES.length ? id - 1 : r.weighted(STAGES.map((s, i) => [i, s[1]] as const));
        const [stage, , defaultProbability] = STAGES[index] ?? STAGES[0];
        const closed = stage === "won" || stage === "lost";
        const probability = closed ? defaultProbability : Math.min(95, Math.max(5, defaultProbability + r.int(-10, 10)));
        // Deal sizes are roughly log-normal: many small, few very large.
        const amount = Math.round(Math.exp(7 + r.next() * 6) / 100) * 100;
        const createdAt = REFERENCE_TIME - Math.floor(r.next() * 6 * YEAR);
        const updatedAt = Math.min(REFERENCE_TIME, createdAt + Math.floor(r.next() * 180) * DAY);
        const expected = closed ? updatedAt : REFERENCE_TIME + Math.floor((r.next() - 0.3) * 240) * DAY;
        yield [
          id,
          companyId,
          r.chance(0.8) ? contactOf(ctx, companyId, r.next()) : null,
          pickAssociate(ctx, r.next()),
          `${r.pick(ctx.pools.products)} for ${companyIdentity(ctx, companyId).name}`,
          amount.toFixed(2),
          r.weighted(CURRENCIES),
          stage,
          probability,
          stage === "lead" && r.chance(0.5) ? null : dateOnly(expected),
          timestamp(createdAt),
          timestamp(updatedAt),
        ];
      }
    },
  };
}

const PROJECT_STATUSES = [["planned", 20], ["in-progress", 30], ["completed", 40], ["cancelled", 10]] as const;

export function projectSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("project");
  return {
    table: "project",
    columns: ["id", "name", "status", "owner_id", "company_id", "starts_on", "ends_on", "created_at"],
    count: ctx.plan.projects,
    *rows(): Generator<CopyValue[]> {
      for (let id = 1; id <= ctx.plan.projects; id++) {
        const r = rng.at(id);
        const status = id <= 4 ? (PROJECT_STATUSES[id - 1]?.[0] ?? "planned") : r.weighted(PROJECT_STATUSES);
        const companyId = r.chance(0.85) ? r.int(1, ctx.plan.companies) : null;
        const createdAt = REFERENCE_TIME - Math.floor(r.next() * 6 * YEAR);
        const startsOn = status === "planned" ? REFERENCE_TIME + r.int(5, 200) * DAY : createdAt + r.int(1, 60) * DAY;
        const endsOn = status === "completed" || status === "cancelled" || r.chance(0.6) ? startsOn + r.int(14, 400) * DAY : null;
        const subject = companyId ? companyIdentity(ctx, companyId).name : "Internal";
        yield [
          id,
          `${subject}: ${r.pick(ctx.pools.products)} ${r.pick(["rollout", "migration", "pilot", "upgrade", "integration"])}`,
          status,
          pickAssociate(ctx, r.next()),
          companyId,
          dateOnly(startsOn),
          endsOn === null ? null : dateOnly(endsOn),
          timestamp(createdAt),
        ];
      }
    },
  };
}

const SUBJECTS = ["Meeting with", "Demo for", "Follow-up call with", "Lunch with", "Contract review with", "Quarterly review with", "Workshop at"];
const LOCATIONS = ["Microsoft Teams", "Zoom", "Our office", "Phone"];

export function appointmentSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("appointment");
  return {
    table: "appointment",
    columns: ["id", "associate_id", "company_id", "contact_id", "subject", "location", "starts_at", "ends_at", "created_at"],
    count: ctx.plan.appointments,
    *rows(): Generator<CopyValue[]> {
      for (let id = 1; id <= ctx.plan.appointments; id++) {
        const r = rng.at(id);
        const companyId = r.chance(0.8) ? r.int(1, ctx.plan.companies) : null;
        const company = companyId === null ? null : companyIdentity(ctx, companyId);
        // Seven years of history and half a year of bookings ahead.
        const startsAt = toMinute(REFERENCE_TIME - 7 * YEAR + Math.floor(r.next() * 7.5 * YEAR)) - (r.int(0, 3) * 15 * MINUTE);
        const endsAt = startsAt + r.pick([30, 45, 60, 60, 90, 120, 180]) * MINUTE;
        yield [
          id,
          pickAssociate(ctx, r.next()),
          companyId,
          companyId !== null && r.chance(0.7) ? contactOf(ctx, companyId, r.next()) : null,
          company ? `${r.pick(SUBJECTS)} ${company.name}` : r.pick(["Sales meeting", "Team stand-up", "1:1", "Planning"]),
          r.chance(0.4) ? null : company && r.chance(0.5) ? company.city : r.pick(LOCATIONS),
          timestamp(startsAt),
          timestamp(endsAt),
          timestamp(Math.min(REFERENCE_TIME, startsAt - r.int(1, 60) * DAY) - r.int(0, 23) * HOUR),
        ];
      }
    },
  };
}
