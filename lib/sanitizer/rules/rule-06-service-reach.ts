/**
 * Rule 6's verifier: does a URL still reach Service by full path? A second reading,
 * independent of the rewrite's parser (rule-06-web-panels.ts): the URL is parsed by WHATWG
 * `URL`, as a browser parses it (whitespace, controls, backslashes, scheme and host
 * case, IDNA, default ports, user info, dot segments), against both an http and an
 * https page for protocol-relative URLs. What a browser leaves to the web server is
 * then applied to its path: percent-decoding, repeated slashes, `;` parameters.
 */
const SCRIPTS = new Set(["ticket.fcgi", "rms.fcgi", "customer.fcgi", "blogic.fcgi"]);

interface Location {
  host: string;
  /** "" for the scheme's default port (WHATWG drops it), else the port. */
  port: string;
  path: string[];
}

/**
 * Percent-decoding as a server does it, byte by byte: an escape that is no UTF-8 (`%FF`)
 * becomes U+FFFD and leaves every other escape decoded. All or nothing
 * (decodeURIComponent on the segment) left `ticket%2Efcgi;%FF` unread, which a server
 * reads as `ticket.fcgi` with a `;` parameter.
 */
function safeDecode(segment: string): string {
  return segment.replace(/(?:%[0-9a-f]{2})+/gi, (run) => utf8.decode(Uint8Array.from(run.slice(1).split("%"), (hex) => parseInt(hex, 16))));
}

const utf8 = new TextDecoder();

/** The path as a web server resolves it, lower-cased, one entry per non-empty segment. */
function serverPath(pathname: string): string[] {
  const out: string[] = [];
  const decoded = pathname.split("/").map(safeDecode).join("/").replaceAll("\\", "/");
  for (const part of decoded.split("/")) {
    const [name = ""] = part.split(";");
    if (name === "..") out.pop();
    else if (name !== "" && name !== ".") out.push(name.toLowerCase());
  }
  return out;
}

/** A white-space or control character (Unicode's: `\s` and category Cc). */
const AROUND = /[\s\p{Cc}]/u;

/**
 * `url` without what surrounds it: WHATWG strips only C0 controls and spaces, the contract
 * ignores every whitespace and control character around a URL. A loop over the ends, not
 * a pattern anchored at `$`, which retries every position of a long run inside.
 */
function trimmed(url: string): string {
  let start = 0;
  let end = url.length;
  while (start < end && AROUND.test(url.charAt(start))) start++;
  while (end > start && AROUND.test(url.charAt(end - 1))) end--;
  return url.slice(start, end);
}

function locate(url: string, page: string): Location | null {
  let parsed: URL;
  try {
    parsed = new URL(trimmed(url), page);
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  if (parsed.host === "page.invalid") return null; // a relative URL: not a full path
  return { host: parsed.hostname.replace(/\.$/, ""), port: parsed.port, path: serverPath(parsed.pathname) };
}

function reaches(target: Location, base: Location | null): boolean {
  const last = target.path.at(-1) ?? "";
  if (!SCRIPTS.has(last)) return false;
  const dirs = target.path.slice(0, -1);
  const online =
    /^online\d+\.superoffice\.com$/.test(target.host) &&
    target.port === "" &&
    dirs.length === 3 &&
    /^cust\d+$/.test(dirs[0] ?? "") &&
    dirs[1] === "cs" &&
    dirs[2] === "scripts";
  // Another port is another server, unless it is the base URL's own (an on-premises Service on :8443).
  const own = base !== null && target.host === base.host && target.port === base.port && dirs.join("/") === [...base.path, "scripts"].join("/");
  return online || own;
}

export function reachesService(url: string, serviceBaseUrl: string): boolean {
  return ["http://page.invalid/", "https://page.invalid/"].some((page) => {
    const target = locate(url, page);
    return target !== null && reaches(target, serviceBaseUrl ? locate(serviceBaseUrl, page) : null);
  });
}
