/** document: files stored in the CRM, with their bytes. */
import { fileContent, fileSize, pickFileKind, type FileKind } from "../content";
import type { CopyValue } from "../copy-text";
import type { GeneratorContext } from "../context-types";
import { companyIdentity, contactOf } from "../entities";
import type { Random } from "../random";
import { REFERENCE_TIME, YEAR, dateOnly, timestamp } from "../time";
import { pickAssociate } from "./associates";
import type { TableSource } from "./table-source";

export function documentSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("document");
  return {
    table: "document",
    columns: ["id", "company_id", "contact_id", "owner_id", "file_name", "mime_type", "content", "size_bytes", "created_at"],
    count: ctx.plan.documents,
    *rows(): Generator<CopyValue[]> {
      for (let id = 1; id <= ctx.plan.documents; id++) {
        const r = rng.at(id);
        const companyId = r.chance(0.9) ? r.int(1, ctx.plan.companies) : null;
        const createdAt = REFERENCE_TIME - Math.floor(r.next() * 8 * YEAR);
        const kind = pickFileKind(r);
        const subject = companyId === null ? "Internal" : companyIdentity(ctx, companyId).name;
        const size = fileSize(r, ctx.plan.documentBytes);
        yield [
          id,
          companyId,
          companyId !== null && r.chance(0.5) ? contactOf(ctx, companyId, r.next()) : null,
          pickAssociate(ctx, r.next()),
          documentName(kind, subject, createdAt, r),
          kind.mime,
          fileContent(kind, size, r, ctx.pools.phrases),
          size,
          timestamp(createdAt),
        ];
      }
    },
  };
}

export function documentName(kind: FileKind, subject: string, at: number, r: Random): string {
  const day = dateOnly(at);
  const month = day.slice(0, 7);
  const names: Record<string, () => string> = {
    pdf: () => r.pick([`Offer ${subject} ${month}`, `Invoice ${r.int(10_000, 99_999)}`, `Signed contract - ${subject}`, `Order confirmation ${r.int(1000, 9999)}`]),
    docx: () => r.pick([`Proposal_${subject.replace(/\s+/g, "_")}_v${r.int(1, 5)}`, `Meeting notes ${day}`, `Agreement draft ${subject}`]),
    xlsx: () => r.pick([`Price list ${day.slice(0, 4)}`, `Budget ${day.slice(0, 4)} ${subject}`, "Forecast Q" + r.int(1, 4)]),
    jpg: () => `IMG_${r.int(1000, 9999)}`,
    png: () => r.pick([`Screenshot ${day} at ${r.int(10, 23)}.${r.int(10, 59)}.${r.int(10, 59)}`, "logo", "diagram"]),
    txt: () => r.pick(["notes", `call log ${day}`, "readme"]),
    csv: () => `contacts-export-${day}`,
  };
  return `${(names[kind.ext] ?? (() => "file"))()}.${kind.ext}`;
}
