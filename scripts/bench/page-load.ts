/**
 * The HTTP side of `npm run bench:pages`: signing in the way the browser does
 * (next-auth's CSRF token, then the credentials callback, with a TOTP code for
 * staff), and driving one page with autocannon. Latencies are collected per
 * response, because autocannon's own percentiles skip p95.
 */
import autocannon from "autocannon";
import { totpCode } from "../../lib/auth/totp";
import { percentile } from "./percentile";

export interface PageFigures {
  page: string;
  as: string;
  p50: number;
  p95: number;
  perSecond: number;
  requests: number;
  /** Why the page was not measured (an error page would give meaningless figures). */
  failure?: string;
}

/** The session cookie of `email`, signed in through next-auth's credentials callback. */
export async function signInCookie(baseUrl: string, email: string, password: string, totpSecret?: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
  const form = new URLSearchParams({ email, password, csrfToken, json: "true" });
  if (totpSecret) form.set("code", await totpCode(totpSecret));
  const answer = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: form,
  });
  const session = answer.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.includes("session-token="));
  if (!session) throw new Error(`signing in as ${email} failed (HTTP ${answer.status})`);
  return session;
}

/** `connections` users requesting `path` back to back for `seconds`, after a short warm-up. */
export async function loadPage(baseUrl: string, path: string, as: string, cookie: string, { connections = 10, seconds = 5 } = {}): Promise<PageFigures> {
  const check = await fetch(`${baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
  if (check.status !== 200) throw new Error(`${path} as ${as} answered ${check.status}, not 200: the bench would measure an error page`);
  await autocannon({ url: `${baseUrl}${path}`, connections: 2, amount: 20, headers: { cookie } });

  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: `${baseUrl}${path}`, connections, duration: seconds, headers: { cookie } }, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${path} as ${as}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  if (latencies.length === 0) throw new Error(`${path} as ${as}: no answer within ${seconds} s under load`);
  latencies.sort((a, b) => a - b);
  return { page: path, as, p50: percentile(latencies, 50), p95: percentile(latencies, 95), perSecond: latencies.length / seconds, requests: latencies.length };
}

export function formatTable(rows: PageFigures[]): string {
  const head = `${"page".padEnd(34)} ${"as".padEnd(15)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"req/s".padStart(8)}`;
  const lines = rows.map((r) =>
    `${r.page.padEnd(34)} ${r.as.padEnd(15)} ${r.failure ?? `${r.p50.toFixed(0).padStart(8)} ${r.p95.toFixed(0).padStart(8)} ${r.perSecond.toFixed(0).padStart(8)}`}`,
  );
  return [head, "-".repeat(head.length), ...lines].join("\n");
}
