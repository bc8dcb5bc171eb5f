/**
 * npm run bench:scrubber [-- --mb 4]
 *
 * How fast free text is scrubbed of production's names (rule 18), in MB of text a
 * second of one thread, for an ordinary text and for texts a hostile production writes
 * to make every word the start of a long name: a company of 31 words of "alfa" and one
 * "omega" over a body of nothing but "alfa", and companies named by every run of
 * "alfa" up to the longest a phrase may have; and the same ordinary text cut into
 * titles of some 40 characters, where what a text costs apart from its words shows. Scrubbing must stay linear in the text
 * whatever the names: the hostile figures should be of the ordinary one's order.
 * Then names in a script written without spaces, searched for inside words
 * (unspaced-names.ts): the ordinary text again for a production that also has Chinese
 * people (what that costs text without them), Chinese text naming them, and a company of
 * 32 times one character over a body of nothing but that character.
 */
import { parseArgs } from "node:util";
import { Pseudonymiser } from "../lib/sanitizer/pseudonyms/pseudonymiser";
import { MAX_PHRASE_WORDS, Scrubber } from "../lib/sanitizer/pseudonyms/scrubber";
import { productionValues, type RawProductionValues } from "../lib/sanitizer/pseudonyms/values";

const { values } = parseArgs({ options: { mb: { type: "string", default: "4" } } });
const bytes = Number(values.mb) * 1024 * 1024;

const FIRST = ["Kari", "Ola", "Ingrid", "Per", "Nora", "Jonas", "Emma", "Lars"];
const LAST = Array.from({ length: 2000 }, (_v, i) => `Navn${i.toString(36)}sen`);
const COMPANY_WORDS = ["Bygg", "Consulting", "Holding", "Eiendom", "Transport", "Regnskap"];

interface Production extends RawProductionValues {
  fullNames: string[];
  companies: string[];
}

/** Chinese people as the CRM stores them: a given name of one or two characters, a surname of one (or two, made up here to have enough). */
const HAN_FIRST = ["伟", "芳", "秀英", "敏", "静", "丽", "强", "磊"];
const HAN_LAST = ["王", "李", "张", "刘", "陈", ...Array.from({ length: 495 }, (_v, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000), 0x4e00 + ((i * 104729) % 20000)))];

function production(companies: string[], han = false): Production {
  const first = han ? [...FIRST, ...HAN_FIRST] : FIRST;
  const last = han ? [...LAST, ...HAN_LAST] : LAST;
  return {
    firstNames: first,
    lastNames: last,
    fullNames: [...LAST.map((l, i) => `${FIRST[i % FIRST.length]} ${l}`), ...(han ? HAN_LAST.map((l, i) => `${HAN_FIRST[i % HAN_FIRST.length]} ${l}`) : [])],
    companies,
    websites: [],
    phones: ["+47 22 33 44 55"],
    addresses: ["Storgata 1"],
    orgNumbers: [],
  };
}

/** A body as support writes them: mostly ordinary words, a name or a company now and then. */
function ordinaryText(raw: Production): string {
  const filler = "takk for svar vi ser på saken og kommer tilbake med en løsning i løpet av uken".split(" ");
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const word = i % 23 === 0 ? raw.fullNames[i % raw.fullNames.length]! : i % 41 === 0 ? raw.companies[i % raw.companies.length]! : filler[i % filler.length]!;
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(" ");
}

/** Chinese as support writes it, no spaces, full-width punctuation, a person named surname first now and then. */
function chineseText(): string {
  const filler = ["感谢您的回复", "我们正在处理这个问题", "并将在本周内给您答复", "请确认报价", "合同已经发送"];
  let text = "";
  for (let i = 0; text.length < bytes; i++) {
    text += filler[i % filler.length]!;
    text += i % 4 === 0 ? `${HAN_LAST[i % HAN_LAST.length]}${HAN_FIRST[i % HAN_FIRST.length]}先生，` : "，";
  }
  return text;
}

const longest = `${"alfa ".repeat(MAX_PHRASE_WORDS - 1)}omega`;
/** The text in pieces of whole words, some 40 characters each. */
function titles(text: string): string[] {
  return text.match(/\S(?:.{0,38}\S)?(?=\s|$)/gs) ?? [];
}

const companies = LAST.slice(0, 500).map((w, i) => `${w} ${COMPANY_WORDS[i % COMPANY_WORDS.length]} AS`);
const cases: { name: string; companies: string[]; han?: boolean; text: (raw: Production) => string | string[] }[] = [
  { name: "ordinary text", companies, text: ordinaryText },
  { name: "ordinary titles", companies, text: (raw) => titles(ordinaryText(raw)) },
  { name: `"alfa" × ${MAX_PHRASE_WORDS - 1} "omega"`, companies: [longest], text: () => "alfa ".repeat(bytes / 5) },
  {
    name: `every "alfa" run to ${MAX_PHRASE_WORDS}`,
    companies: Array.from({ length: MAX_PHRASE_WORDS }, (_v, i) => "alfa ".repeat(i + 1).trim()),
    text: () => "alfa ".repeat(bytes / 5),
  },
  { name: "ordinary text, Han names too", companies, han: true, text: () => ordinaryText(production(companies)) },
  { name: "Chinese text", companies, han: true, text: chineseText },
  { name: `"啊" × 32 company`, companies: ["啊".repeat(32)], han: true, text: () => "啊".repeat(bytes) },
];

for (const { name, companies, han, text } of cases) {
  const raw = production(companies, han);
  const values = productionValues(raw);
  const scrubber = new Scrubber(new Pseudonymiser("bench-secret", values, "sandbox.invalid"), values, { companies, addresses: [] });
  const made = text(raw);
  const texts = typeof made === "string" ? [made] : made;
  const length = texts.reduce((sum, t) => sum + t.length, 0);
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (const t of texts) scrubber.scrub(t);
  const seconds = (performance.now() - started) / 1000;
  // The process's CPU time too: on a shared machine the wall time is also the neighbours'.
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  console.log(`${name.padEnd(28)} ${(length / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(2)} s: ${(length / 1024 / 1024 / seconds).toFixed(1)} MB/s (CPU ${cpuSeconds.toFixed(2)} s)`);
}
