import { describe, expect, it } from "vitest";
import { ProductionValueFinder } from "./find-production-values";
import { productionValues } from "./values";

const finder = new ProductionValueFinder(
  productionValues({
    firstNames: ["Kari", "Per", "İka"],
    lastNames: ["Hansen", "Price", "Bjørnstad", "Wold Eide", "Andresen Nordskaug"],
    fullNames: ["Kari Hansen"],
    companies: ["Nordvik Bygg AS"],
    websites: ["https://www.nordvikbygg.no", "firma-hansen.no"],
    phones: ["+47 22 33 44 55"],
    addresses: ["Storgata 1"],
    orgNumbers: ["987 654 321"],
  }),
);

describe("ProductionValueFinder (rule 18's check)", () => {
  it("finds a production person's name held in an address or user name: with digits, run together, after an initial", () => {
    expect(finder.find("tommy.hansen85_firma.no@mailinator.com", "email")).toBe("a person's name");
    expect(finder.find("karihansen_firma.no@mailinator.com", "email")).toBe("a person's name");
    expect(finder.find("khansen", "username")).toBe("a person's name");
    // Every word of an address counts, however short: the rewriting replaces them all.
    expect(finder.find("per.nordby_firma.no@mailinator.com", "email")).toBe("a person's name");
    expect(finder.find("tommy.karlsen85_firma.no@mailinator.com", "email")).toBeNull();
  });

  it("finds a company's website name in a website or an e-mail address", () => {
    expect(finder.find("https://www.nordvikbygg.no/om-oss", "website")).toBe("a company's website");
    expect(finder.find("tommy.karlsen_nordvikbygg.no@mailinator.com", "email")).toBe("a company's website");
    expect(finder.find("post_shop.firma-hansen.no@mailinator.com", "email")).toBe("a company's website");
    expect(finder.find("https://www.stolt-bin.no", "website")).toBeNull();
    expect(finder.find("tommy.karlsen_gmail.com@mailinator.com", "email")).toBeNull();
    // In text, as a host name: the word alone may be anything ("nordvikbygg" is no host name in a sentence).
    expect(finder.find("Mvh Tommy, www.NordvikBygg.no", "free-text")).toBe("a company's website");
    expect(finder.find("Se shop.nordvikbygg.co.uk/tilbud.", "free-text")).toBe("a company's website");
    expect(finder.find("We met nordvikbygg. Then lunch.", "free-text")).toBeNull();
  });

  it("finds a double last name or a middle name run together in an address: woldeide, andresennordskaug, karipernordskaug", () => {
    expect(finder.find("amalie.woldeide_firma.no@mailinator.com", "email")).toBe("a person's name");
    expect(finder.find("tommy.andresennordskaug2_firma.no@mailinator.com", "email")).toBe("a person's name");
    expect(finder.find("karipernordskaug", "username")).toBe("a person's name");
    expect(finder.find("tommy.woldberg_firma.no@mailinator.com", "email")).toBeNull();
    // A word of thousands of letters that nearly splits into names is answered, and quickly.
    expect(finder.find(`${"hansen".repeat(20_000)}x@firma.no`, "email")).toBeNull();
  });

  it("reads an e-mail address in free text as an address column's: a name with digits, after an initial or run together", () => {
    expect(finder.find("Skriv til khansen@firma.no i dag", "free-text")).toBe("a person's name");
    expect(finder.find("Fra: <hansen85@gmail.com>", "free-text")).toBe("a person's name");
    expect(finder.find("cc amalie.woldeide@firma.no.", "free-text")).toBe("a person's name");
    // The same words outside an address are words of text: too short, or no name.
    expect(finder.find("Bruker khansen har logget inn", "free-text")).toBeNull();
    // A name with digits after it is a user name in text too.
    expect(finder.find("Bruker hansen85 har logget inn", "free-text")).toBe("a person's name");
    expect(finder.find("Sak 2024 og rom 12B, bygg A85", "free-text")).toBeNull();
    expect(finder.find("Skriv til post@firma.no eller tommy.karlsen@firma.no", "free-text")).toBeNull();
  });

  it("finds a production name spelled in ASCII, as e-mail addresses and user names write it", () => {
    expect(finder.find("tommy.bjornstad_firma.no@mailinator.com", "email")).toBe("a person's name");
    expect(finder.find("tommy.bjoernstad_firma.no@mailinator.com", "email")).toBe("a person's name");
    expect(finder.find("Ring Bjornstad i morgen", "free-text")).toBe("a person's name");
    expect(finder.find("Tommy Bjornstad", "person-name")).toBe("a person's name");
  });

  it("finds whole production values, however they are spaced and cased", () => {
    expect(finder.find("kari  HANSEN", "free-text")).toBe("a person's name");
    expect(finder.find(" Nordvik Bygg as", "company-name")).toBe("a company's name");
    expect(finder.find("storgata 1", "address")).toBe("an address");
    expect(finder.find("987654321", "org-number")).toBe("an org number");
    expect(finder.find("22 33 44 55", "phone")).toBe("a phone number");
  });

  it("finds a production person's name as a word of text, of four characters or more once lower-cased", () => {
    expect(finder.find("Call Hansen's office", "free-text")).toBe("a person's name");
    expect(finder.find("Hi KARI,", "free-text")).toBe("a person's name");
    // "İKA" is three letters as written and four lower-cased ("i̇ka"), as the name is read.
    expect(finder.find("Møte med İKA i morgen", "free-text")).toBe("a person's name");
    // Shorter names and common words stand alone in text; names inside words are other words.
    expect(finder.find("Per month, see the price list", "free-text")).toBeNull();
    expect(finder.find("Hansenbyen and Karianne", "free-text")).toBeNull();
  });

  it("finds every name word in a name column, however short or common", () => {
    expect(finder.find("Per", "person-name")).toBe("a person's name");
    expect(finder.find("Ola Nordmann", "person-name")).toBeNull();
  });

  it("finds a production phone number inside text, with or without its country prefix", () => {
    expect(finder.find("Ring 22 33 44 55 i dag", "free-text")).toBe("a phone number");
    expect(finder.find("Invoice 2026-01-15", "free-text")).toBeNull();
    expect(finder.find("Faktura, org.nr 987 654 321", "free-text")).toBe("an org number");
  });
});
