/** company and contact: the customer base. */
import type { CopyValue } from "../copy-text";
import type { GeneratorContext } from "../context-types";
import { companyIdentity, contactPerson, phoneNumber } from "../entities";
import { DAY, REFERENCE_TIME, YEAR, timestamp } from "../time";
import { pickAssociate } from "./associates";
import type { TableSource } from "./table-source";

export function companySource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("company");
  return {
    table: "company",
    columns: ["id", "name", "org_number", "email", "phone", "website", "address", "city", "country", "owner_id", "created_at", "updated_at"],
    count: ctx.plan.companies,
    *rows(): Generator<CopyValue[]> {
      for (let id = 1; id <= ctx.plan.companies; id++) {
        const c = companyIdentity(ctx, id);
        const r = rng.at(id);
        const createdAt = REFERENCE_TIME - Math.floor(r.next() * 8 * YEAR);
        yield [
          id,
          c.name,
          r.chance(0.8) ? String(r.int(800_000_000, 999_999_999)) : null,
          r.chance(0.7) ? `${r.pick(["post", "info", "firmapost", "office", "hello"])}@${c.domain}` : null,
          r.chance(0.85) ? phoneNumber(c.region.dial, r.next()) : null,
          r.chance(0.75) ? `https://www.${c.domain}` : null,
          r.chance(0.9) ? c.street : null,
          c.city,
          r.chance(0.97) ? c.region.country : null,
          pickAssociate(ctx, r.next()),
          timestamp(createdAt),
          timestamp(createdAt + Math.floor(r.next() * (REFERENCE_TIME - createdAt))),
        ];
      }
    },
  };
}

export function contactSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("contact");
  const ranges = ctx.contactsOfCompany;
  return {
    table: "contact",
    columns: ["id", "company_id", "first_name", "last_name", "title", "email", "phone", "mobile", "created_at", "updated_at"],
    count: ranges.total,
    *rows(): Generator<CopyValue[]> {
      for (let companyId = 1; companyId <= ranges.parents; companyId++) {
        const first = ranges.first(companyId);
        const dial = companyIdentity(ctx, companyId).region.dial;
        for (let id = first; id < first + ranges.count(companyId); id++) {
          const p = contactPerson(ctx, id, companyId);
          const r = rng.at(id);
          const createdAt = REFERENCE_TIME - Math.floor(r.next() * 7 * YEAR);
          yield [
            id,
            companyId,
            p.firstName,
            p.lastName,
            r.chance(0.7) ? r.pick(ctx.pools.jobTitles) : null,
            p.email,
            r.chance(0.5) ? phoneNumber(dial, r.next()) : null,
            r.chance(0.7) ? phoneNumber(dial, r.next()) : null,
            timestamp(createdAt),
            timestamp(Math.min(REFERENCE_TIME, createdAt + r.int(0, 400) * DAY)),
          ];
        }
      }
    },
  };
}
