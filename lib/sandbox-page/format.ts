/** Dates as the portal shows them: one fixed zone (UTC) so server and browser render the same text. */
const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function formatWhen(value: Date | string | null | undefined): string {
  if (!value) return "—";
  return `${dateTime.format(typeof value === "string" ? new Date(value) : value)} UTC`;
}
