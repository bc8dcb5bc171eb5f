import { describe, expect, it } from "vitest";
import { ProductionValueFinder } from "./find-production-values";
import { Pseudonymiser } from "./pseudonymiser";
import { Scrubber } from "./scrubber";
import { UnspacedNames } from "./unspaced-names";
import { productionValues, type RawProductionValues } from "./values";

/** People as the CRM stores them (first name, last name; full name "first last"), in scripts written without spaces, Korean, and one Norwegian. */
const PEOPLE: [first: string, last: string][] = [
  ["伟", "王"],
  ["太郎", "田中"],
  ["さくら", "山本"],
  ["はな", "𠮷田"],
  ["สมชาย", "ใจดี"],
  ["มานี", "ศรีสุข"],
  ["민수", "김"],
  ["ゆづき", "佐藤"],
  ["タロウ", "タナカ"],
  ["Kari", "Hansen"],
];
const RAW: RawProductionValues = {
  firstNames: PEOPLE.map(([first]) => first),
  lastNames: PEOPLE.map(([, last]) => last),
  fullNames: PEOPLE.map(([first, last]) => `${first} ${last}`),
  companies: ["北京华为技术有限公司", "Nordvik Bygg AS"],
  websites: [],
  phones: [],
  addresses: [],
  orgNumbers: [],
};

function setUp(raw = RAW) {
  const values = productionValues(raw);
  const p = new Pseudonymiser("secret", values, "mailinator.com");
  const scrubber = new Scrubber(p, values, raw);
  const finder = new ProductionValueFinder(values);
  /** The scrubbed text, which the check must pass, of a text the check must fail (or pass, `holds` false). */
  const scrub = (text: string, holds = true) => {
    if (holds) expect(finder.find(text, "free-text"), text).not.toBeNull();
    else expect(finder.find(text, "free-text"), text).toBeNull();
    const scrubbed = scrubber.scrub(text);
    expect(finder.find(scrubbed, "free-text"), scrubbed).toBeNull();
    return scrubbed;
  };
  /** A person's pseudonym as text written surname first gets it: the words' pseudonyms in that order. */
  const surnameFirst = (first: string, last: string) => `${p.nameWord(last)} ${p.nameWord(first)}`;
  return { p, scrub, surnameFirst, finder };
}

describe("names in scripts written without spaces (rule 18)", () => {
  it("replaces a Chinese full name inside a sentence, keeps a one-character surname or given name alone and what is around the name", () => {
    const { p, scrub, surnameFirst } = setUp();
    expect(scrub("王伟先生来电询问报价，请回电。")).toBe(`${surnameFirst("伟", "王")}先生来电询问报价，请回电。`);
    // As the CRM writes it, given name first, and with a space.
    expect(scrub("伟 王")).toBe(p.personName("伟 王"));
    // 王 alone is the "king" of 国王 and 王国, and a surname a hundred million share: kept, as is a one-character given name.
    expect(scrub("王先生说国王和王国都很伟大", false)).toBe("王先生说国王和王国都很伟大");
  });

  it("replaces a Japanese surname, given name and full name with what follows them, in kanji and kana, astral characters too", () => {
    const { p, scrub, surnameFirst } = setUp();
    expect(scrub("田中太郎様からの問い合わせ。田中さんに折り返し")).toBe(`${surnameFirst("太郎", "田中")}様からの問い合わせ。${p.nameWord("田中")}さんに折り返し`);
    expect(scrub("太郎くん")).toBe(`${p.nameWord("太郎")}くん`);
    expect(scrub("さくらさんへ")).toBe(`${p.nameWord("さくら")}さんへ`);
    // 𠮷 (U+20BB7) is two code units: 𠮷田 is a name of two characters.
    expect(scrub("𠮷田さん")).toBe(`${p.nameWord("𠮷田")}さん`);
    // Two kana are in too many words ("はなし", a story): alone they are kept, in a full name replaced.
    expect(scrub("はなしを聞いた", false)).toBe("はなしを聞いた");
    expect(scrub("𠮷田はなさん")).toBe(`${surnameFirst("はな", "𠮷田")}さん`);
  });

  it("replaces a Thai name inside a run of letters, but not where a mark or a leading vowel makes its letters another syllable", () => {
    const { p, scrub } = setUp();
    expect(scrub("คุณสมชายโทรมาถามราคา")).toBe(`คุณ${p.nameWord("สมชาย")}โทรมาถามราคา`);
    // The CRM's order, with its space, is a phrase: its pseudonym keeps its own case (Thai has none to give it).
    expect(scrub("สมชาย ใจดี โทรมา")).toBe(`${p.personName("สมชาย ใจดี")} โทรมา`);
    expect(p.personName("สมชาย ใจดี")).not.toBe(p.personName("สมชาย ใจดี").toLowerCase());
    // "มานี่" (came here) is มานี with a tone mark after it; "เสมชาย" reads เส-, not สม-.
    expect(scrub("เขามานี่แล้ว เสมชาย", false)).toBe("เขามานี่แล้ว เสมชาย");
    expect(scrub("คุณมานีมาแล้ว")).toBe(`คุณ${p.nameWord("มานี")}มาแล้ว`);
  });

  it("replaces a Korean name with its honorific and particle, only where it begins a word, and keeps a one-syllable surname alone", () => {
    const { p, scrub, surnameFirst } = setUp();
    expect(scrub("김민수님이 전화했습니다. 민수씨에게 회신 부탁드립니다.")).toBe(
      `${surnameFirst("민수", "김")}님이 전화했습니다. ${p.nameWord("민수")}씨에게 회신 부탁드립니다.`,
    );
    // 민수 inside another word is another word (국민 + 수준, "national level"); 김 alone is a fifth of Korea.
    expect(scrub("국민수준 김 선생님", false)).toBe("국민수준 김 선생님");
  });

  it("reads Korean in conjoining jamo, kana with a combining sound mark (as macOS writes file names) and half-width katakana as the names they show", () => {
    const { p, scrub, surnameFirst } = setUp();
    expect(scrub("김민수님이 보낸 견적.pdf".normalize("NFD"))).toBe(`${surnameFirst("민수", "김")}님이 보낸 견적.pdf`);
    expect(scrub("ゆづきさんの見積書.pdf".normalize("NFD"))).toBe(`${p.nameWord("ゆづき")}さんの見積書.pdf`);
    // Half-width katakana, as older systems write names, is the katakana it shows; its punctuation stays half-width.
    expect(scrub("ﾀﾅｶ ﾀﾛｳ様｡")).toBe(`${p.personName("タナカ タロウ")}様｡`);
    expect(scrub("ﾀﾅｶﾀﾛｳ様")).toBe(`${surnameFirst("タロウ", "タナカ")}様`);
  });

  it("replaces a name written against Latin letters or digits, either way round", () => {
    const { p, scrub, surnameFirst } = setUp();
    const hansen = p.nameWord("hansen");
    expect(scrub("Hansen様より、Hansenさん、Hansen님")).toBe(`${hansen}様より、${hansen}さん、${hansen}님`);
    expect(scrub("王伟2024年签约, 田中Team")).toBe(`${surnameFirst("伟", "王")}2024年签约, ${p.nameWord("田中")}Team`);
  });

  it("replaces a company of these scripts inside a sentence, also without its legal form", () => {
    const { p, scrub } = setUp();
    const company = p.companyName("北京华为技术有限公司");
    expect(scrub("北京华为技术有限公司的报价")).toBe(`${company}的报价`);
    expect(scrub("北京华为技术的报价")).not.toContain("北京华为技术");
    expect(new ProductionValueFinder(productionValues(RAW)).find("收到北京华为技术的报价", "free-text")).toBe("a company's name");
  });

  it("reads a one-word company that is a person's name word as that person, as spaced text does", () => {
    const raw = { ...RAW, companies: [...RAW.companies, "田中"] };
    const { p, scrub } = setUp(raw);
    expect(scrub("田中さんから")).toBe(`${p.nameWord("田中")}さんから`);
  });

  it("keeps spaced text as it was: names at word boundaries, the Berg in Bergen kept, Hansen's replaced", () => {
    const { p, scrub } = setUp({ ...RAW, lastNames: [...RAW.lastNames, "Berg"], fullNames: [...RAW.fullNames, "Kari Berg"] });
    expect(scrub("Møte i Bergen", false)).toBe("Møte i Bergen");
    expect(scrub("Hansen's offer")).toBe(`${p.nameWord("hansen")}'s offer`);
  });

  it("searches nothing inside words when production has no name in these scripts", () => {
    const latin = productionValues({ ...RAW, firstNames: ["Kari"], lastNames: ["Hansen"], fullNames: ["Kari Hansen"], companies: ["Nordvik Bygg AS"] });
    expect(UnspacedNames.of(latin, ["Nordvik Bygg AS"])).toBeUndefined();
    expect(new ProductionValueFinder(latin).find("王伟先生来电", "free-text")).toBeNull();
  });

  it("reads a hostile production's names in time linear in the text: a company of 32 times one character over megabytes of it", () => {
    const raw = { ...RAW, companies: ["啊".repeat(32), ...Array.from({ length: 31 }, (_v, i) => "啊".repeat(i + 1) + "哦")] };
    const { finder } = setUp(raw);
    const values = productionValues(raw);
    const scrubber = new Scrubber(new Pseudonymiser("secret", values, "mailinator.com"), values, raw);
    const text = "啊".repeat(1_000_000);
    const started = performance.now();
    expect(scrubber.scrub(text)).not.toContain("啊".repeat(32));
    expect(finder.find(text, "free-text")).toBe("a company's name");
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
