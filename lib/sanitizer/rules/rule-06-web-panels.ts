/**
 * Rule 6: a web panel URL that reaches Service by full path gets that prefix
 * replaced by the template variable of its script, so the sandbox's panels call
 * the sandbox's Service, never production's. The query string and fragment stay.
 *
 * Prefixes recognised:
 *   http(s)://online<digits>.superoffice.com/Cust<digits>/CS/Scripts/<script>.fcgi
 *   <installation.service_base_url>/Scripts/<script>.fcgi
 *
 * "Reaches" is judged as a browser and a web server read a URL, not as text:
 * surrounding whitespace and control characters (Unicode's, not only ASCII's), tabs and newlines inside, are
 * ignored; backslashes are slashes; `//host/…` (protocol-relative) counts; scheme and
 * host are case-insensitive, a trailing dot on the host, a default port and user info
 * are ignored (any other port is another server, unless it is the base URL's own); the path is percent-decoded, its dot segments resolved, repeated
 * slashes collapsed, `;` parameters ignored, and so is a trailing slash after the
 * script. `ticket.fcgi/x`, `ticket.fcgix` or another script are not Service scripts
 * we can template, and look-alike hosts are other URLs: all stay unchanged.
 *
 * This is the rewrite's own parser, applied on the copy after the data is in
 * (web_panel is a small configuration table) and by the wizard's dry run on
 * production. The verifier judges the result with a second, independent reading
 * built on WHATWG `URL` (rule-06-service-reach.ts).
 */
import { domainToASCII } from "node:url";
import type pg from "pg";
import { tooLargeToReadWhole, type WholeRead } from "../../crm/whole-table-bounds";
import { SanitizationError } from "../errors";
import { check, type ContractRule } from "./rule";
import { reachesService } from "./rule-06-service-reach";
import { lookupTable } from "../../lookup-table";

const SCRIPT_VARIABLES = lookupTable({
  ticket: "<csti>",
  rms: "<csrm>",
  customer: "<cscu>",
  blogic: "<csbl>",
});

const DEFAULT_PORTS = lookupTable({ "http:": ["80"], "https:": ["443"], "//": ["80", "443"] });

interface ReadUrl {
  host: string;
  /** The port as written when it is not the scheme's default; "" for the default. */
  port: string;
  /** Decoded path segments, dot segments resolved, empty ones and `;` parameters dropped. */
  segments: string[];
  /** `?…#…` exactly as written. */
  rest: string;
}

/**
 * Percent-decoding that never throws, byte by byte as servers decode: an escape that is no
 * UTF-8 (`%FF`) becomes U+FFFD and spoils no other escape of its run (`%2E%FF` decodes
 * its dot).
 */
function decode(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => utf8.decode(Uint8Array.from(run.slice(1).split("%"), (hex) => parseInt(hex, 16))));
}

const utf8 = new TextDecoder();

/** A dot segment as a browser reads it before decoding anything: `.`, `..`, and their `%2e` spellings. */
const DOT = /^(?:\.|%2e)$/i;
const DOT_DOT = /^(?:\.|%2e){2}$/i;

/**
 * The path a browser sends: its dot segments resolved as written, before any decoding,
 * so `a%2Fb/..` drops `a%2Fb` whole. The server then decodes and resolves again.
 */
function browserPath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (DOT_DOT.test(segment)) out.pop();
    else if (!DOT.test(segment)) out.push(segment);
  }
  return out.join("/");
}

/**
 * Whether a character around a URL is ignored. The contract ignores surrounding
 * "whitespace and control characters": not only the C0 controls and space a WHATWG
 * parser strips, but DEL, the C1 controls (U+0080–U+009F) and Unicode white space
 * (no-break space, U+2028, ideographic space, a byte-order mark), which other URL
 * readers (.NET's `Uri`, an address bar) trim. Treating one too many as ignorable only
 * templates a URL; one too few left `\u00a0https://online3…/ticket.fcgi` on production.
 */
function isIgnoredAroundUrl(code: number): boolean {
  return code <= 0x20 || (code >= 0x7f && code <= 0xa0) || /\s/.test(String.fromCharCode(code));
}

/**
 * `raw` without the whitespace and controls around it. A loop: the pattern for it
 * (`/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g`) tried every position of a run of spaces
 * inside the URL, and a production URL with 80,000 of them took 3 s.
 */
function trimControls(raw: string): string {
  let start = 0;
  let end = raw.length;
  while (start < end && isIgnoredAroundUrl(raw.charCodeAt(start))) start++;
  while (end > start && isIgnoredAroundUrl(raw.charCodeAt(end - 1))) end--;
  return raw.slice(start, end);
}

function readUrl(raw: string): ReadUrl | null {
  const text = trimControls(raw).replace(/[\t\n\r]/g, "");
  const restAt = text.search(/[?#]/);
  const rest = restAt === -1 ? "" : text.slice(restAt);
  const head = (restAt === -1 ? text : text.slice(0, restAt)).replace(/\\/g, "/");

  const scheme = /^([a-z][a-z0-9+.-]*):\/*/i.exec(head);
  let kind: string;
  let afterScheme: string;
  if (scheme) {
    kind = (scheme[1] ?? "").toLowerCase() + ":";
    afterScheme = head.slice(scheme[0].length);
  } else if (head.startsWith("//")) {
    kind = "//";
    afterScheme = head.replace(/^\/+/, "");
  } else return null;
  const ports = DEFAULT_PORTS[kind];
  if (!ports) return null;

  const slash = afterScheme.indexOf("/");
  const authority = slash === -1 ? afterScheme : afterScheme.slice(0, slash);
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  const port = /:(\d*)$/.exec(hostPort);
  // Another port is another server, unless it is the installation's own (an on-premises Service on :8443).
  const ownPort = port && port[1] !== "" && !ports.includes(String(Number(port[1]))) ? String(Number(port[1])) : "";
  // IDNA mapping as browsers apply it (full-width letters and dots, …); the raw host when it is no domain.
  const decodedHost = decode(port ? hostPort.slice(0, port.index) : hostPort);
  const host = (domainToASCII(decodedHost) || decodedHost.toLowerCase()).replace(/\.$/, "");

  const segments: string[] = [];
  const path = slash === -1 ? "" : afterScheme.slice(slash);
  for (const raw of decode(browserPath(path)).replace(/\\/g, "/").split("/")) {
    const segment = raw.split(";")[0] ?? "";
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment.toLowerCase());
  }
  return { host, port: ownPort, segments, rest };
}

const ONLINE_HOST = /^online[0-9]+\.superoffice\.com$/;
const CUSTOMER = /^cust[0-9]+$/;

/** The script a URL reaches Service with (`ticket`, …), or null. */
function serviceScript(url: ReadUrl, base: ReadUrl | null): string | null {
  const script = /^(ticket|rms|customer|blogic)\.fcgi$/.exec(url.segments.at(-1) ?? "")?.[1];
  if (!script) return null;
  const prefix = url.segments.slice(0, -1);
  const online = ONLINE_HOST.test(url.host) && url.port === "" && prefix.length === 3 && CUSTOMER.test(prefix[0] ?? "") && prefix[1] === "cs" && prefix[2] === "scripts";
  const own =
    base !== null &&
    url.host === base.host &&
    url.port === base.port &&
    prefix.length === base.segments.length + 1 &&
    base.segments.every((s, i) => prefix[i] === s) &&
    prefix.at(-1) === "scripts";
  return online || own ? script : null;
}

export function rewriteWebPanelUrl(url: string, serviceBaseUrl: string): string {
  const read = readUrl(url);
  if (!read) return url;
  const script = serviceScript(read, serviceBaseUrl ? readUrl(serviceBaseUrl) : null);
  return script ? `${SCRIPT_VARIABLES[script]}${read.rest}` : url;
}

export interface WebPanelRewrite {
  id: number;
  name: string;
  before: string;
  after: string;
}

/** What the rule reads whole of production's web panels: the copy's preflight and the dry run measure it first. */
export const WEB_PANELS_READ: WholeRead = { table: "web_panel", columns: ["name", "url"], what: "production's web panels" };

/** The panels of a CRM database whose URL the rule rewrites (read through a pg client: the dry run's). */
export async function webPanelRewrites(client: pg.ClientBase): Promise<WebPanelRewrite[]> {
  const tooLarge = await tooLargeToReadWhole(client, [WEB_PANELS_READ, { table: "installation", columns: ["service_base_url"], what: "production's installation rows" }]);
  if (tooLarge) throw new SanitizationError("COPY_FAILED", tooLarge);
  const installation = await client.query<{ base: string }>("SELECT service_base_url AS base FROM public.installation ORDER BY id LIMIT 1");
  const base = installation.rows[0]?.base ?? "";
  const panels = await client.query<{ id: number; name: string; url: string }>("SELECT id, name, url FROM public.web_panel ORDER BY id");
  return panels.rows.map((p) => ({ id: p.id, name: p.name, before: p.url, after: rewriteWebPanelUrl(p.url, base) })).filter((p) => p.after !== p.before);
}


const CHANGE_LABELS: Record<string, string> = { "web_panel.url": "Web panel addresses rewritten to template variables" };

export const webPanelsRule: ContractRule = {
  rule: 6,
  title: "Web panels",
  async afterCopy(tx, input) {
    // Judged in TypeScript, written back in one statement.
    const panels = (await tx.webPanel.findMany({ select: { id: true, url: true } }))
      .map((p) => ({ id: p.id, url: rewriteWebPanelUrl(p.url, input.serviceBaseUrl), was: p.url }))
      .filter((p) => p.url !== p.was);
    const rewritten = await tx.$executeRaw`
      UPDATE web_panel w SET url = x.url FROM unnest(${panels.map((p) => p.id)}::int[], ${panels.map((p) => p.url)}::text[]) AS x(id, url)
       WHERE w.id = x.id`;
    return { "web_panel.url": rewritten };
  },
  changeLabel: (key) => CHANGE_LABELS[key],
  checks: [
    check(6, "no web panel reaches Service by full path", async (c) => {
      const base = (await c.query<{ base: string }>("SELECT service_base_url AS base FROM installation LIMIT 1")).rows[0]?.base ?? "";
      const panels = await c.query<{ id: number; url: string }>("SELECT id, url FROM web_panel ORDER BY id");
      return panels.rows.filter((p) => reachesService(p.url, base)).map((p) => `web_panel ${p.id}: ${withoutQuery(p.url)}`);
    }),
  ],
};

/**
 * A panel's address as a failed check names it: without its query and fragment, which may
 * carry a key of the customer's (`?apikey=…`). The reason goes to operators' alert mails and
 * the customer's webhooks as well as to its page; the path says which panel reaches Service.
 */
function withoutQuery(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : `${url.slice(0, end)}${url[end]}…`;
}
