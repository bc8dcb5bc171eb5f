/**
 * E-mail addresses found in a value in one pass. The regular expressions that said
 * what an address is (each function names its own; the tests hold them to it) tried
 * every position of a long run of address characters and scanned the rest of the run
 * from each: a production value of 40 KB of such characters with an `@` in it held the
 * worker's one thread for 1.3 s, one of 1 MB for many minutes, with every other
 * tenant's run on that worker waiting. These find the same matches by looking only
 * around each `@`, in time proportional to the value.
 */
import { assertRewrittenFits, MAX_REWRITTEN_BYTES } from "./copy-rows";
import { isLabelCharacter, WORD } from "./values";

const AT = 0x40;
const DOT = 0x2e;
const LEFT_BRACKET = 0x5b;
const RIGHT_BRACKET = 0x5d;
const SPACE = /\s/;
/** 1 for the ASCII characters an address may hold: no `\s`, no `@<>(),;:"'`. */
const ASCII_ADDRESS = Uint8Array.from({ length: 128 }, (_v, code) => (/[\s@<>(),;:"']/.test(String.fromCharCode(code)) ? 0 : 1));

/** `[^\s@<>(),;:"']`: what an address in a personal column may be made of (the pseudonymiser's). */
const isAddressCharacter = (code: number) => (code < 0x80 ? ASCII_ADDRESS[code] === 1 : !SPACE.test(String.fromCharCode(code)));
const isNotAddressCharacter = (code: number) => !isAddressCharacter(code);
/** `[^\s@<>(),;:"'[\]]`: what an address inside free text may be made of (the scrubber's). */
const isTextAddressCharacter = (code: number) => isAddressCharacter(code) && code !== LEFT_BRACKET && code !== RIGHT_BRACKET;

/** The end of the run of characters `is` accepts that starts at `from`. */
function runEnd(text: string, from: number, is: (code: number) => boolean): number {
  let i = from;
  while (i < text.length && is(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Each address in free text, as `/[^\s@<>(),;:"'[\]]+@[^\s@<>(),;:"'[\]]+\.[^\s@<>(),;:"'[\].]+/g`
 * finds them: `visit(start, end)` is given each. An address is the run of address
 * characters before an `@`, the `@`, and the run after it up to the end of the part after
 * its last dot that has a character on each side ("kari@firma.no." ends before the final
 * dot). The scrubber rewrites what this finds and the check reads what this finds: one
 * reading of an address in text.
 */
export function forEachTextAddress(text: string, visit: (start: number, end: number) => void): void {
  let after = 0;
  for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", Math.max(at + 1, after))) {
    let start = at;
    while (start > after && isTextAddressCharacter(text.charCodeAt(start - 1))) start--;
    if (start === at) continue;
    const domainEnd = runEnd(text, at + 1, isTextAddressCharacter);
    // The last dot with a character before it (after the `@`) and one that is no dot after it,
    // looked for in the domain only: lastIndexOf went on past the `@`, to the text's first dot,
    // and a text of "a@b " after one dot took the square of its length (40,000 of them 3.5 s).
    let end = -1;
    for (let dot = domainEnd - 1; dot > at + 1; dot--) {
      if (text.charCodeAt(dot) === DOT && dot + 1 < domainEnd && text.charCodeAt(dot + 1) !== DOT) {
        end = dot + 1;
        while (end < domainEnd && text.charCodeAt(end) !== DOT) end++;
        break;
      }
    }
    if (end === -1) continue;
    visit(start, end);
    after = end;
  }
}

/** Each address in free text (forEachTextAddress) replaced. Throws RewrittenTooLong once the text has grown past `maxLength`. */
export function replaceTextAddresses(text: string, replace: (address: string) => string, maxLength = MAX_REWRITTEN_BYTES): string {
  let out = "";
  let copied = 0;
  forEachTextAddress(text, (start, end) => {
    out += text.slice(copied, start) + replace(text.slice(start, end));
    copied = end;
    // Each address may be longer rewritten (rule 2's form adds a domain): text of nothing but short addresses grows.
    assertRewrittenFits(out.length + text.length - copied, maxLength);
  });
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Each address in a personal column's value replaced, and each word outside them: as
 * `/[^\s@<>(),;:"']+@[^\s@<>(),;:"']+|[\p{L}\p{M}\p{N}]+/gu` replaces them, an address
 * being the whole run of address characters before an `@` and the run after it.
 * `found` is told whether there was an address.
 */
export function replaceAddressesAndWords(value: string, address: (match: string) => string, word: (match: string) => string): { text: string; found: boolean } {
  let out = "";
  let found = false;
  let i = 0;
  while (i < value.length) {
    if (!isAddressCharacter(value.charCodeAt(i))) {
      const next = runEnd(value, i, isNotAddressCharacter);
      out += value.slice(i, next);
      i = next;
      continue;
    }
    const end = runEnd(value, i, isAddressCharacter);
    const domainEnd = value.charCodeAt(end) === AT ? runEnd(value, end + 1, isAddressCharacter) : end;
    if (domainEnd > end + 1) {
      found = true;
      out += address(value.slice(i, domainEnd));
      i = domainEnd;
    } else {
      // Words are made of address characters: none reaches past the run.
      out += value.slice(i, end).replace(WORD, word);
      i = end;
    }
  }
  return { text: out, found };
}

const isHostCharacter = (code: number) => code === DOT || isLabelCharacter(code);

/**
 * Each host name in free text ("www.firma.no" in a signature, "shop.firma.co.uk"): a run
 * of labels with a dot between two of them. `visit(start, end)` is given each label of
 * each host name. Linear in the text: each character is looked at once or twice, however
 * the text is made.
 */
export function forEachHostLabel(text: string, visit: (start: number, end: number) => void): void {
  let from = 0;
  for (let dot = text.indexOf(".", from); dot !== -1; dot = text.indexOf(".", from)) {
    // Most dots end a sentence: a space or a line follows them, never a label.
    if (!isLabelCharacter(text.charCodeAt(dot + 1))) {
      from = dot + 1;
      continue;
    }
    let start = dot;
    while (start > from && isHostCharacter(text.charCodeAt(start - 1))) start--;
    const end = runEnd(text, dot + 1, isHostCharacter);
    if (joinsLabels(text, start, end)) {
      let labelStart = start;
      for (let i = start; i <= end; i++) {
        if (i === end || text.charCodeAt(i) === DOT) {
          if (i > labelStart) visit(labelStart, i);
          labelStart = i + 1;
        }
      }
    }
    from = end + 1;
  }
}

/** Whether the run [start, end) has a label on each side of one of its dots: "end." and ".5" are no host names. */
function joinsLabels(text: string, start: number, end: number): boolean {
  for (let i = start + 1; i < end - 1; i++) {
    if (text.charCodeAt(i) === DOT && text.charCodeAt(i - 1) !== DOT && text.charCodeAt(i + 1) !== DOT) return true;
  }
  return false;
}

/** The text with each label of its host names that `replace` answers for replaced (undefined: kept). */
export function replaceHostLabels(text: string, replace: (label: string) => string | undefined, maxLength = MAX_REWRITTEN_BYTES): string {
  let out = "";
  let copied = 0;
  forEachHostLabel(text, (start, end) => {
    const replacement = replace(text.slice(start, end));
    if (replacement === undefined) return;
    out += text.slice(copied, start) + replacement;
    copied = end;
    assertRewrittenFits(out.length + text.length - copied, maxLength);
  });
  return copied === 0 ? text : out + text.slice(copied);
}
