/**
 * A cron expression in plain words, for the scheduled-task step
 * (`0 2 * * 1-5` → "At 02:00, Monday to Friday"). Five fields: minute, hour,
 * day of month, month, day of week. Covers what CRM tasks use (numbers, lists,
 * ranges, steps, `*`, the usual @-macros); anything else is shown as it is.
 */
import { lookupTable } from "../lookup-table";

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAY_NAMES = lookupTable({ sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 });
const MONTH_NAMES = lookupTable(Object.fromEntries(MONTHS.map((m, i) => [m.slice(0, 3).toLowerCase(), i + 1])));

// A task's schedule is production's text: "constructor" or "toString" is no macro.
const MACROS = lookupTable({
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
});

const pad = (n: number) => String(n).padStart(2, "0");
const ordinal = (n: number) => {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${s}`;
};

function joinWords(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function toNumber(token: string, names: Readonly<Record<string, number>>, min: number, max: number): number | null {
  const lower = token.toLowerCase();
  const n = names[lower] !== undefined ? names[lower] : /^\d+$/.test(token) ? Number(token) : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

type Part = { kind: "any" } | { kind: "step"; every: number; from: number } | { kind: "list"; items: ({ from: number; to: number })[] };

function parseField(field: string, min: number, max: number, names: Record<string, number> = {}): Part | null {
  if (field === "*" || field === "?") return { kind: "any" };
  const step = /^(\*|\d+)\/(\d+)$/.exec(field);
  if (step) {
    const every = Number(step[2]);
    const from = step[1] === "*" ? min : Number(step[1]);
    if (every < 1 || from < min || from > max) return null;
    return { kind: "step", every, from };
  }
  const items: { from: number; to: number }[] = [];
  for (const piece of field.split(",")) {
    const [a, b, extra] = piece.split("-");
    if (a === undefined || extra !== undefined) return null;
    const from = toNumber(a, names, min, max);
    const to = b === undefined ? from : toNumber(b, names, min, max);
    if (from === null || to === null || to < from) return null;
    items.push({ from, to });
  }
  return { kind: "list", items };
}

function listWords(part: Extract<Part, { kind: "list" }>, name: (n: number) => string): string {
  return joinWords(part.items.map((i) => (i.from === i.to ? name(i.from) : `${name(i.from)} to ${name(i.to)}`)));
}

function timeWords(minute: Part, hour: Part): string | null {
  if (minute.kind === "list" && hour.kind === "list" && minute.items.length === 1 && minute.items[0]!.from === minute.items[0]!.to) {
    const m = minute.items[0]!.from;
    if (hour.items.every((i) => i.from === i.to)) return `At ${joinWords(hour.items.map((i) => `${pad(i.from)}:${pad(m)}`))}`;
    return `At minute ${m} past every hour from ${listWords(hour, (h) => `${pad(h)}:00`)}`;
  }
  const minuteWords =
    minute.kind === "any" ? "Every minute" :
    minute.kind === "step" ? `Every ${minute.every} minutes${minute.from ? ` from minute ${minute.from}` : ""}` :
    `At minute ${listWords(minute, String)}`;
  const hourWords =
    hour.kind === "any" ? (minute.kind === "list" ? " past every hour" : "") :
    hour.kind === "step" ? ` of every ${hour.every} hours${hour.from ? ` from ${pad(hour.from)}:00` : ""}` :
    ` during ${listWords(hour, (h) => `${pad(h)}:00–${pad(h)}:59`)}`;
  return `${minuteWords}${hourWords}`;
}

export function cronToWords(expression: string): string {
  const trimmed = expression.trim();
  const fields = (MACROS[trimmed.toLowerCase()] ?? trimmed).split(/\s+/);
  if (fields.length !== 5) return expression;
  const [mi, ho, dom, mo, dow] = fields as [string, string, string, string, string];
  const minute = parseField(mi, 0, 59);
  const hour = parseField(ho, 0, 23);
  const day = parseField(dom, 1, 31);
  const month = parseField(mo, 1, 12, MONTH_NAMES);
  const weekday = parseField(dow.replace(/\b7\b/g, "0"), 0, 6, DAY_NAMES);
  if (!minute || !hour || !day || !month || !weekday) return expression;

  const parts = [timeWords(minute, hour)];
  if (day.kind === "list") parts.push(`on the ${listWords(day, ordinal)}`);
  if (day.kind === "step") parts.push(`every ${day.every} days`);
  if (weekday.kind === "list") {
    const words = listWords(weekday, (d) => DAYS[d]!);
    parts.push(day.kind === "list" ? `or on ${words}` : words.includes(" to ") ? words : `on ${words}`);
  }
  if (weekday.kind === "step") parts.push(`every ${weekday.every} days of the week`);
  if (month.kind === "list") parts.push(`in ${listWords(month, (m) => MONTHS[m - 1]!)}`);
  if (month.kind === "step") parts.push(`every ${month.every} months`);
  if (day.kind === "any" && weekday.kind === "any" && month.kind === "any" && hour.kind === "list" && minute.kind === "list") {
    parts.push("every day");
  }
  return parts.filter(Boolean).join(", ");
}
