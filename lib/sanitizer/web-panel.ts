/**
 * Rule 6: a web panel URL that reaches Service by full path gets that prefix
 * replaced by the template variable of its script, so the sandbox's panels call
 * the sandbox's Service, never production's.
 *
 * Prefixes recognised (case-insensitive, as host names and these paths are):
 *   http(s)://online<digits>.superoffice.com/Cust<digits>/CS/Scripts/<script>.fcgi
 *   <installation.service_base_url without trailing "/">/Scripts/<script>.fcgi
 * followed by the end of the URL, a query string or a fragment (which are kept).
 * `ticket.fcgi/x`, `ticket.fcgix` or another script are not Service scripts we can
 * template, so they are left unchanged.
 *
 * The SQL (for the copy's SELECT and the verifier) and the TypeScript (for tests
 * and previews) are built from one pattern; web-panel.test.ts checks they agree.
 */
import { quoteLiteral } from "./sql";

export const SCRIPT_VARIABLES: Record<string, string> = {
  ticket: "<csti>",
  rms: "<csrm>",
  customer: "<cscu>",
  blogic: "<csbl>",
};

const ONLINE_PREFIX = String.raw`https?://online[0-9]+\.superoffice\.com/cust[0-9]+/cs`;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Anchored pattern; group 1 the script, group 2 the rest (`?...` / `#...`), if any. */
export function webPanelPattern(serviceBaseUrl: string): string {
  const base = escapeRegex(serviceBaseUrl.replace(/\/+$/, ""));
  const prefixes = base ? `${ONLINE_PREFIX}|${base}` : ONLINE_PREFIX;
  return `^(?:${prefixes})/scripts/(ticket|rms|customer|blogic)\\.fcgi([?#].*)?$`;
}

export function rewriteWebPanelUrl(url: string, serviceBaseUrl: string): string {
  // `s`: `.` crosses newlines, as it does in PostgreSQL's regular expressions.
  const match = new RegExp(webPanelPattern(serviceBaseUrl), "is").exec(url);
  if (!match) return url;
  return `${SCRIPT_VARIABLES[(match[1] ?? "").toLowerCase()]}${match[2] ?? ""}`;
}

/** SQL expression rewriting the text expression `expr`. */
export function rewriteWebPanelUrlSql(expr: string, serviceBaseUrl: string): string {
  const pattern = quoteLiteral(webPanelPattern(serviceBaseUrl));
  const cases = Object.entries(SCRIPT_VARIABLES)
    .map(([script, variable]) => `WHEN ${quoteLiteral(script)} THEN ${quoteLiteral(variable)}`)
    .join(" ");
  return `(SELECT CASE WHEN m IS NULL THEN ${expr} ELSE (CASE lower(m[1]) ${cases} END) || coalesce(m[2], '') END FROM (SELECT regexp_match(${expr}, ${pattern}, 'i') AS m) rw)`;
}

/** SQL condition: the URL still reaches Service by full path (the verifier's test). */
export function reachesServiceSql(expr: string, serviceBaseUrl: string): string {
  return `${expr} ~* ${quoteLiteral(webPanelPattern(serviceBaseUrl))}`;
}
