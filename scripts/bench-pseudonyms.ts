/**
 * npm run bench:pseudonyms [-- --names 5000,20000,80000]
 *
 * How long a run takes to draw its pseudonyms for production's name words, by how many
 * there are. Name words map one-to-one and faker's pools hold some 2,500 last names:
 * past them, draws must not grow with the words already drawn. Each count is of
 * distinct made-up last names (none of them faker's); the figures are per word too,
 * which stays flat when the drawing is linear.
 */
import { parseArgs } from "node:util";
import { Pseudonymiser } from "../lib/sanitizer/pseudonyms/pseudonymiser";
import { productionValues } from "../lib/sanitizer/pseudonyms/values";

const { values } = parseArgs({ options: { names: { type: "string", default: "5000,20000,80000" } } });
const SYLLABLES = ["ka", "ri", "to", "ne", "lu", "mo", "sa", "vi", "de", "go", "pe", "ha"];

/** The i-th made-up last name: its syllables are i's digits in base 12. */
function lastName(i: number): string {
  let name = "";
  let x = i;
  do {
    name += SYLLABLES[x % SYLLABLES.length];
    x = Math.floor(x / SYLLABLES.length);
  } while (x > 0);
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}sen`;
}

for (const count of values.names.split(",").map(Number)) {
  const lastNames = Array.from({ length: count }, (_v, i) => lastName(i));
  const production = productionValues({ firstNames: ["Kari", "Ola"], lastNames, fullNames: [], companies: [], websites: [], phones: [], addresses: [], orgNumbers: [] });
  const started = performance.now();
  await Pseudonymiser.build("bench-secret", production, "sandbox.invalid");
  const ms = performance.now() - started;
  console.log(`${count.toLocaleString("en").padStart(9)} name words: ${(ms / 1000).toFixed(2)} s, ${((1000 * ms) / count).toFixed(0)} µs a word`);
}
