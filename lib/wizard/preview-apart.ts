/**
 * Rule 18's review preview (personal-data-preview.ts) in a process of its own, as the
 * web app makes it (scripts/personal-data-preview.ts).
 *
 * The preview reads all of production's personal values and draws a pseudonym for each
 * name, as the copy does: production holds as many as it likes (up to the copy's own
 * bounds, a million values a set), and a customer opens the review as often as they
 * like. In the web server, a medium production's preview took 1.1–2.3 s of its CPU and
 * 150 MB of its memory a time, and held its event loop for up to 0.6 s; a production at
 * the bounds, or a few reviews at once, would take the memory every tenant's pages need.
 * Apart, it has a memory cap and a deadline of its own, each tenant's made one at a time
 * and at most PREVIEW_LIMITS.atOnce together, and whatever it costs is gone when it exits.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyLimitsShape } from "../config/copy-limits";
import { AppError, type ErrorCode } from "../errors";
import { KeyedLimit, WaitTooLong } from "../keyed-limit";
import { log } from "../observability/log";
import { nodeCommand } from "../worker/node-command";
import { PreviewUnavailable, type PersonalDataPreview, type PreviewInput } from "./personal-data-preview";

export interface PreviewLimits {
  /** The whole preview from the request, its wait for its turn and the process's start included. */
  timeoutMs: number;
  /** The process's JavaScript heap. */
  heapMb: number;
  /** Previews made at once by this web server; more wait their turn. */
  atOnce: number;
}

export const PREVIEW_LIMITS: PreviewLimits = { timeoutMs: 60_000, heapMb: 1_536, atOnce: 2 };

/** What the web app sends the process. */
export interface PreviewRequest {
  productionUrl: string;
  input: PreviewInput;
}

/** What it answers: the preview, or an expected failure in the customer's words. */
export type PreviewAnswer = { preview: PersonalDataPreview } | { refused: { code: ErrorCode; message: string } };

const TOO_LARGE = "Production holds more personal data than the review can preview, so it shows no examples. Contact support.";
const TOO_SLOW = "Previewing production's personal data took longer than the review waits (a minute), so it shows no examples. Reload to try again, or contact support.";
const LINE_FULL = "Two previews of this production's personal data are being made already, so this review shows no examples. Reload in a moment.";
const NO_TURN = "Previews of personal data were being made for other reviews for longer than the review waits (a minute), so it shows no examples. Reload to try again.";
const NOT_NOW = "Production's personal data could not be previewed just now, so this review shows no examples. Reload in a minute to try again.";
/** What the process answers that is a fault of the moment, not production's content: the rest of the review stands. */
const OF_THE_MOMENT = new Set<ErrorCode>(["PRODUCTION_BUSY", "PRODUCTION_UNREACHABLE", "INTERNAL"]);

/** A tenant's previews, one made at a time: the last one asked for, and how many are in line, the one being made included. */
interface TenantLine {
  last?: { key: string; preview: Promise<PersonalDataPreview> };
  inLine: number;
}
/** At most this many of a tenant's previews in line at once, the one being made included. */
const PER_TENANT_IN_LINE = 2;

const state = globalThis as unknown as { previewLines?: Map<string, TenantLine>; previewSlots?: Map<number, KeyedLimit> };

/** The web server's preview slots, `atOnce` at a time, in line first come first served (kept across dev reloads, as the lines are). */
function previewSlots(atOnce: number): KeyedLimit {
  const slots = (state.previewSlots ??= new Map());
  const limit = slots.get(atOnce) ?? new KeyedLimit(atOnce);
  slots.set(atOnce, limit);
  return limit;
}

/**
 * The preview for the production of `tenantId`, made in a process of its own. A tenant's
 * previews are made one at a time: the same one asked for again while it is made
 * (a customer who steps back and forth in the wizard) waits for that one, a different
 * one waits its turn, and a third different one is refused. One customer reloading
 * their review never fills the line in front of the others.
 */
export function previewPersonalDataApart(
  tenantId: string,
  request: PreviewRequest,
  limits: PreviewLimits = PREVIEW_LIMITS,
  argv: string[] = nodeCommand("personal-data-preview", [`--max-old-space-size=${limits.heapMb}`]),
): Promise<PersonalDataPreview> {
  const lines = (state.previewLines ??= new Map());
  const line = lines.get(tenantId) ?? { inLine: 0 };
  lines.set(tenantId, line);
  // Hashed: the request holds the production's URL and the sandbox's secret.
  const key = createHash("sha256").update(JSON.stringify(request)).digest("base64url");
  if (line.last?.key === key) return line.last.preview;
  if (line.inLine >= PER_TENANT_IN_LINE) return Promise.reject(new PreviewUnavailable(LINE_FULL));
  line.inLine++;
  const before = line.last?.preview.catch(() => undefined);
  // From the request: a preview waiting for its turn holds the customer's page (and its production session) meanwhile.
  const deadline = Date.now() + limits.timeoutMs;
  const made = async (): Promise<PersonalDataPreview> => {
    if (!(await settlesBy(before, deadline))) throw new PreviewUnavailable(NO_TURN);
    const inItsSlot = async () => {
      const answer = await runPreviewProcess(argv, request, deadline - Date.now());
      if ("refused" in answer) {
        if (OF_THE_MOMENT.has(answer.refused.code)) throw new PreviewUnavailable(NOT_NOW);
        throw new AppError(answer.refused.code, answer.refused.message);
      }
      return answer.preview;
    };
    // A slot waited for until the deadline at most; one freed later goes to the next in line.
    return previewSlots(limits.atOnce)
      .run("previews", inItsSlot, { waitMs: Math.max(0, deadline - Date.now()) })
      .catch((error: unknown) => {
        throw error instanceof WaitTooLong ? new PreviewUnavailable(NO_TURN) : error;
      });
  };
  const entry = { key, preview: made() };
  line.last = entry;
  // Out of line once made, whichever way it ended.
  void entry.preview.then(leaveLine, leaveLine);
  function leaveLine() {
    line.inLine--;
    if (line.last === entry) delete line.last;
    if (line.inLine === 0) lines.delete(tenantId);
  }
  return entry.preview;
}

/** Whether `promise` settles by `deadline` (a missing one has). */
function settlesBy(promise: Promise<unknown> | undefined, deadline: number): Promise<boolean> {
  if (!promise) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** What the process may read of the web server's environment: its limits, logging, TLS trust and the system's basics. */
const PREVIEW_ENVIRONMENT = new Set([
  ...Object.keys(copyLimitsShape),
  ...["PATH", "HOME", "TMPDIR", "TZ", "LANG", "LC_ALL", "NODE_ENV", "NODE_OPTIONS", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR"],
  ...["LOG_LEVEL", "CRM_CLASSIFICATION_FILE", "VITEST"],
]);

/**
 * The web server's environment without its secrets (the portal database's URL, the
 * session and sealing keys, mail and sign-on credentials): the process reads a
 * customer's production, hostile input, and needs none of them. Its production URL and
 * the sandbox's pseudonym secret come in the request.
 */
function previewEnvironment(from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  // Next's types make NODE_ENV required; it is passed on when set.
  return Object.fromEntries(Object.entries(from).filter(([name]) => PREVIEW_ENVIRONMENT.has(name) || name.startsWith("PGSSL"))) as NodeJS.ProcessEnv;
}

/** Starts the process, hands it the request, and waits for its one answer, its death or the deadline. */
function runPreviewProcess(argv: string[], request: PreviewRequest, timeoutMs: number): Promise<PreviewAnswer> {
  return new Promise<PreviewAnswer>((resolve, reject) => {
    const [command, ...args] = argv;
    const child = spawn(command!, args, { stdio: ["ignore", "inherit", "pipe", "ipc"], env: previewEnvironment() });
    let answer: PreviewAnswer | undefined;
    let timedOut = false;
    // Kept for the log only (a heap limit is told there): never shown to the customer.
    let stderrTail = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString("utf8")).slice(-2_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("message", (message: PreviewAnswer) => {
      answer = message;
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      log.error(error, "the personal data preview could not start");
      reject(new AppError("INTERNAL"));
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (answer) return resolve(answer);
      if (timedOut) return reject(new PreviewUnavailable(TOO_SLOW));
      const outOfMemory = /heap limit|out of memory/i.test(stderrTail);
      log.error({ code, signal, outOfMemory, stderr: outOfMemory ? undefined : stderrTail }, "the personal data preview ended without an answer");
      // Killed by the system for its memory (no word on stderr), or crashed: the rest of the review stands.
      reject(new PreviewUnavailable(outOfMemory || signal === "SIGKILL" ? TOO_LARGE : NOT_NOW));
    });
    child.send(request, (error) => {
      if (error) child.kill("SIGKILL");
    });
  });
}
