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

function production(companies: string[]): Production {
  return {
    firstNames: FIRST,
    lastNames: LAST,
    fullNames: LAST.map((last, i) => `${FIRST[i % FIRST.length]} ${last}`),
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

const longest = `${"alfa ".repeat(MAX_PHRASE_WORDS - 1)}omega`;
/** The text in pieces of whole words, some 40 characters each. */
function titles(text: string): string[] {
  return text.match(/\S(?:.{0,38}\S)?(?=\s|$)/gs) ?? [];
}

const companies = LAST.slice(0, 500).map((w, i) => `${w} ${COMPANY_WORDS[i % COMPANY_WORDS.length]} AS`);
const cases: { name: string; companies: string[]; text: (raw: Production) => string | string[] }[] = [
  { name: "ordinary text", companies, text: ordinaryText },
  { name: "ordinary titles", companies, text: (raw) => titles(ordinaryText(raw)) },
  { name: `"alfa" × ${MAX_PHRASE_WORDS - 1} "omega"`, companies: [longest], text: () => "alfa ".repeat(bytes / 5) },
  {
    name: `every "alfa" run to ${MAX_PHRASE_WORDS}`,
    companies: Array.from({ length: MAX_PHRASE_WORDS }, (_v, i) => "alfa ".repeat(i + 1).trim()),
    text: () => "alfa ".repeat(bytes / 5),
  },
];

for (const { name, companies, text } of cases) {
  const raw = production(companies);
  const values = productionValues(raw);
  const scrubber = new Scrubber(new Pseudonymiser("bench-secret", values, "sandbox.invalid"), values, { companies, addresses: [] });
  const made = text(raw);
  const texts = typeof made === "string" ? [made] : made;
  const length = texts.reduce((sum, t) => sum + t.length, 0);
  const started = performance.now();
  for (const t of texts) scrubber.scrub(t);
  const seconds = (performance.now() - started) / 1000;
  console.log(`${name.padEnd(28)} ${(length / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(2)} s: ${(length / 1024 / 1024 / seconds).toFixed(1)} MB/s`);
}
