/**
 * Rule 6 as a browser reads a URL: every spelling that still reaches Service is
 * rewritten to its template variable, keeping query and fragment; look-alikes stay.
 * The rewrite (rule-06-web-panels.ts, its own parser) is judged by the verifier's
 * independent reading (rule-06-service-reach.ts, WHATWG URL).
 */
import { describe, expect, it } from "vitest";
import { rewriteWebPanelUrl } from "./rule-06-web-panels";
import { reachesService } from "./rule-06-service-reach";

const BASE = "https://crm.example.no/Cust40417/CS";

/** [spelling, expected rewrite] */
const REACHING: [string, string][] = [
  ["https://online3.superoffice.com/Cust40417/CS/Scripts/ticket.fcgi?action=listTickets&id=5", "<csti>?action=listTickets&id=5"],
  ["http://online12.superoffice.com/Cust1/CS/Scripts/rms.fcgi", "<csrm>"],
  ["HTTPS://Online7.SuperOffice.COM/cust99/cs/scripts/Customer.FCGI#top", "<cscu>#top"],
  ["https://crm.example.no/Cust40417/CS/Scripts/ticket.fcgi?x=y", "<csti>?x=y"],
  ["  \t https://online3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi?a=1 \n", "<csti>?a=1"],
  ["\u0000\u001fhttps://online3.superoffice.com/Cust1/CS/Scripts/blogic.fcgi\u0007", "<csbl>"],
  ["https://onli\tne3.superoffice.com/Cust1/CS/Scr\nipts/ticket.fcgi", "<csti>"],
  ["https:\\\\online3.superoffice.com\\Cust1\\CS\\Scripts\\ticket.fcgi?q=\\keep", "<csti>?q=\\keep"],
  ["//online3.superoffice.com/Cust1/CS/Scripts/rms.fcgi#x", "<csrm>#x"],
  ["https://online3.superoffice.com./Cust1/CS/Scripts/ticket.fcgi", "<csti>"],
  ["https://online3.superoffice.com:443/Cust1/CS/Scripts/ticket.fcgi", "<csti>"],
  ["http://online3.superoffice.com:80/Cust1/CS/Scripts/ticket.fcgi", "<csti>"],
  ["https://user:secret@online3.superoffice.com/Cust1/CS/Scripts/customer.fcgi?id=1", "<cscu>?id=1"],
  ["https://online3.superoffice.com/Cust1/CS/Scripts/%74icket%2Efcgi", "<csti>"],
  ["https://online3.superoffice.com/Cust1/%43%53/Scripts/ticket.fcgi", "<csti>"],
  ["https://online3.superoffice.com/Cust1/x/../CS/./Scripts/ticket.fcgi", "<csti>"],
  ["https://online3.superoffice.com/Cust1/CS/Scripts/%2e%2e/Scripts/ticket.fcgi", "<csti>"],
  ["https://online3.superoffice.com//Cust1///CS//Scripts//ticket.fcgi", "<csti>"],
  ["https://online3.superoffice.com/Cust1/CS;v=1/Scripts/ticket.fcgi;jsessionid=abc?x=1", "<csti>?x=1"],
  ["https://online3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi/", "<csti>"],
  ["https://online3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi//?x=1#y", "<csti>?x=1#y"],
  ["https://%6Fnline3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi", "<csti>"],
  ["https://ＯＮＬＩＮＥ3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi", "<csti>"],
  ["HTTPS://CRM.EXAMPLE.NO./cust40417/cs/scripts/RMS.fcgi?z", "<csrm>?z"],
  ["https:online3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi", "<csti>"],
  // The contract ignores every whitespace and control character around a URL, not only ASCII's.
  ["\u00a0https://online3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi?a=1\u00a0", "<csti>?a=1"],
  ["\u0085\u009fhttps://online3.superoffice.com/Cust1/CS/Scripts/rms.fcgi\u007f", "<csrm>"],
  ["\ufeff\u3000https://crm.example.no/Cust40417/CS/Scripts/customer.fcgi#x\u2028", "<cscu>#x"],
  // A browser resolves dot segments as written, before any decoding: `a%2Fb/..` is gone before the server decodes.
  ["https://online3.superoffice.com/Cust1/CS/Scripts/a%2Fb/../ticket.fcgi", "<csti>"],
  // An escape that is no UTF-8 (`%FF`) spoils no other escape: the server decodes `%2E`, drops `;%FF`, and resolves `%2F..%2F`.
  ["https://online3.superoffice.com/Cust1/CS/%53cripts;%FF/ticket%2Efcgi", "<csti>"],
  ["https://online3.superoffice.com/Cust1/CS/Scripts/%2E%FF/..%2Fticket.fcgi", "<csti>"],
  ["https://online3.superoffice.com/Cust1/CS/Scripts/%FF%2F..%2Fticket.fcgi", "<csti>"],
  // Both at once: the rewrite used to leave this, and the verifier to pass it.
  ["https://online3.superoffice.com/Cust1/CS/Scripts/a%2Fb/../ticket%2Efcgi;%FF?x=1", "<csti>?x=1"],
  ["https://crm.example.no/Cust40417/CS/Scripts/a%2Fb/../rms%2Efcgi;%FF", "<csrm>"],
];

const UNCHANGED = [
  "https://online21.superoffice.com.example.net/Cust1/CS/Scripts/ticket.fcgi",
  "https://evil.example/Cust1/CS/Scripts/ticket.fcgi",
  "https://online3.superoffice.com@evil.example/Cust1/CS/Scripts/ticket.fcgi",
  "https://evil.com/?u=https://online3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi",
  "https://crm.example.no.evil.example/Cust40417/CS/Scripts/ticket.fcgi",
  "https://crm.example.no/Cust40417/Other/Scripts/ticket.fcgi",
  "https://online3.superoffice.com:8443/Cust1/CS/Scripts/ticket.fcgi",
  "ftp://online3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi",
  "https://online3.superoffice.com/Cust1/CS/Scripts/other.fcgi",
  "https://online3.superoffice.com/Cust1/CS/Scripts/ticket.fcgix",
  "https://online3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi/extra",
  "https://online.superoffice.com/Cust1/CS/Scripts/ticket.fcgi",
  "https://online3.superoffice.com/Customer1/CS/Scripts/ticket.fcgi",
  "https://online3.superoffice.com/Cust1/CS/ticket.fcgi",
  "/Cust1/CS/Scripts/ticket.fcgi",
  "online3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi",
  "https://online3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi%3Fx",
  "https://www.example.com/page",
  "<csti>?x=1",
  "",
];

describe("rule 6: web panel URLs as a browser reads them", () => {
  it.each(REACHING)("rewrites %j", (url, expected) => {
    expect(reachesService(url, BASE), "the verifier sees it reach Service").toBe(true);
    const rewritten = rewriteWebPanelUrl(url, BASE);
    expect(rewritten).toBe(expected);
    expect(reachesService(rewritten, BASE)).toBe(false);
  });

  it.each(UNCHANGED)("leaves %j unchanged, and the verifier agrees it does not reach Service", (url) => {
    expect(rewriteWebPanelUrl(url, BASE)).toBe(url);
    expect(reachesService(url, BASE)).toBe(false);
  });

  it("reads the installation's own base URL the same way, with or without a trailing slash", () => {
    for (const base of [BASE, `${BASE}/`, "https://CRM.example.no:443/cust40417/cs"]) {
      expect(rewriteWebPanelUrl("https://crm.example.no/Cust40417/CS/Scripts/ticket.fcgi?a", base)).toBe("<csti>?a");
    }
    expect(rewriteWebPanelUrl("https://crm.example.no/Cust40417/CS/Scripts/ticket.fcgi", "")).toBe("https://crm.example.no/Cust40417/CS/Scripts/ticket.fcgi");
  });

  it("reaches an installation's own Service on a port of its own (on-premises, :8443), and only on that port", () => {
    const onPremises = "https://crm.example.no:8443/CS";
    for (const [url, expected] of [
      ["https://crm.example.no:8443/CS/Scripts/ticket.fcgi?x=1", "<csti>?x=1"],
      ["//CRM.example.no:08443/cs/scripts/rms.fcgi", "<csrm>"],
    ]) {
      expect(reachesService(url!, onPremises), url).toBe(true);
      expect(rewriteWebPanelUrl(url!, onPremises)).toBe(expected);
    }
    // The same host on its default port, or another port, is another server.
    for (const url of ["https://crm.example.no/CS/Scripts/ticket.fcgi", "https://crm.example.no:9000/CS/Scripts/ticket.fcgi"]) {
      expect(reachesService(url, onPremises), url).toBe(false);
      expect(rewriteWebPanelUrl(url, onPremises)).toBe(url);
    }
  });

  it("reads a hostile URL with a megabyte of spaces and controls inside it in one pass", () => {
    // The trimming pattern tried every position of such a run: this took over half an hour.
    const padded = `https://evil.example/${" \u0001".repeat(500_000)}x`;
    expect(rewriteWebPanelUrl(padded, BASE)).toBe(padded);
    expect(rewriteWebPanelUrl(`${" ".repeat(500_000)}https://online3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi${" ".repeat(500_000)}`, BASE)).toBe("<csti>");
    const unicode = `${"\u00a0\u0085".repeat(250_000)}https://online3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi${"\u3000\u007f".repeat(250_000)}`;
    expect(rewriteWebPanelUrl(unicode, BASE)).toBe("<csti>");
    expect(reachesService(unicode, BASE)).toBe(true);
  });
});
