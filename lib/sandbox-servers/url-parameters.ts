/**
 * What a sandbox server's URL may carry: where, who, TLS and connection settings, as a
 * production URL (lib/crm/production-url.ts). The portal pins its sessions' settings on
 * the server itself (drop.ts: time limits and search_path; a refresh's read of the previous
 * copy: read-only, bounded, as production's sessions), and the driver lets a URL's own
 * parameters (`options`, `statement_timeout`, ...) override a session's: such a URL was
 * taken at registration, then refused by every refresh's carry-over on that server, and it
 * quietly replaced the other sessions' settings. So it is refused where a URL is given: the
 * staff page, the CLI, tenant:add and SANDBOX_SERVER_URL at start-up. Plain: env.ts checks it too.
 */
import { refusedUrlParameters, URL_PARAMETERS } from "../crm/production-url";

/** Why the sandbox server's URL cannot be taken, in operators' words after "The sandbox server's URL …", or null. */
export function sandboxServerUrlProblem(url: string): string | null {
  if (!URL.canParse(url)) return null; // the connection says what is wrong with it
  const others = refusedUrlParameters(url);
  if (others.length === 0) return null;
  return (
    `may carry only TLS and connection settings (${[...URL_PARAMETERS].join(", ")}) as parameters, not ${others.join(", ")}: ` +
    `the portal sets its sessions' own settings on that server (time limits, search path, read-only), and a URL's would override them. ` +
    `Remove ${others.length === 1 ? "it" : "them"} from the URL.`
  );
}
