/** preference: system-wide settings (both opt-ins `Yes`) and per-user ones. */
import type { CopyValue } from "../copy-text";
import type { GeneratorContext } from "../context-types";
import type { TableSource } from "./table-source";

const SYSTEM: readonly (readonly [string, string, string])[] = [
  ["System", "Statistics OptIn - Configured", "Yes"],
  ["System", "UserSync OptIn - Configured", "Yes"],
  ["System", "DefaultCurrency", "NOK"],
  ["System", "TimeZone", "Europe/Oslo"],
  ["Service", "DefaultPriority", "normal"],
  ["Service", "AutoReply", "on"],
  ["Mail", "MaxAttachmentMb", "25"],
];

const PERSONAL: readonly (readonly [string, string, readonly string[]])[] = [
  ["Visual", "Theme", ["light", "dark", "system"]],
  ["Locale", "Language", ["nb", "sv", "da", "en", "de"]],
  ["Mail", "Signature", ["Best regards", "Med vennlig hilsen", "Vänliga hälsningar"]],
  ["System", "Statistics OptIn - Configured", ["Yes", "No"]],
];

export function preferenceSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("preference");
  const rows: CopyValue[][] = [];
  for (const [section, name, value] of SYSTEM) rows.push([rows.length + 1, section, name, value, null]);
  for (const a of ctx.associates) {
    const r = rng.at(a.id);
    for (const [section, name, values] of PERSONAL) {
      if (r.chance(0.5)) rows.push([rows.length + 1, section, name, r.pick(values), a.id]);
    }
  }
  // Bounded by associates × 4 (≤ 6 000 rows at the large scale): fine to hold.
  return { table: "preference", columns: ["id", "section", "name", "value", "associate_id"], count: rows.length, rows: () => rows };
}
