/**
 * One HTTPS POST of a signed event. Every address the connection may use is checked
 * at connect time (targets.ts), redirects are not followed (a 3xx is a failed
 * attempt), the whole attempt is bounded, and at most a little of the answer is read.
 * Failures come back in plain words about the receiver, never about the portal.
 */
import { existsSync, readFileSync } from "node:fs";
import https from "node:https";
import tls from "node:tls";
import type { LookupFunction } from "node:net";
import { guardedLookup, RefusedTarget } from "./lookup";
import { isRefusedLiteral, PRIVATE_TARGET_REFUSED } from "./targets";

export const ATTEMPT_TIMEOUT_MS = 15_000;
const MAX_ANSWER_BYTES = 4096;

export class DeliveryFailed extends Error {
  constructor(
    readonly reason: string,
    readonly responseStatus: number | null = null,
  ) {
    super(reason);
  }
}

const defaultLookup = guardedLookup();

const NETWORK_REASON: Record<string, string> = {
  ENOTFOUND: "The address's host name was not found.",
  EAI_AGAIN: "The address's host name could not be looked up just now.",
  ECONNREFUSED: "The endpoint refused the connection.",
  ECONNRESET: "The endpoint closed the connection.",
  EHOSTUNREACH: "The endpoint's host could not be reached.",
  ENETUNREACH: "The endpoint's network could not be reached.",
};

function plainReason(error: unknown): string {
  if (error instanceof RefusedTarget) return PRIVATE_TARGET_REFUSED;
  const code = (error as { code?: string }).code ?? "";
  if (NETWORK_REASON[code]) return NETWORK_REASON[code];
  if (/CERT|SELF_SIGNED|TLS|SSL|ERR_SSL/.test(code)) return `The endpoint's TLS certificate was not accepted (${code}).`;
  return "The endpoint could not be reached.";
}

/**
 * The authorities a receiver's certificate may be signed by when extra ones are given:
 * Node's own (and NODE_EXTRA_CA_CERTS'), and the extra ones. Given alone, the extra
 * ones made every receiver with a public certificate fail.
 */
export function trustedAuthorities(extra: string): string[] {
  const environmentFile = process.env.NODE_EXTRA_CA_CERTS;
  return [...tls.rootCertificates, ...(environmentFile && existsSync(environmentFile) ? [readFileSync(environmentFile, "utf8")] : []), extra];
}

export interface SendOptions {
  /** Extra certificate authorities to trust besides the system's (WEBHOOK_CA_FILE: a receiver with a private CA). */
  ca?: string;
  timeoutMs?: number;
  /** How host names are looked up (tests: a name server of their own). */
  lookup?: LookupFunction;
}

/** POSTs `body`; resolves with the 2xx status, or rejects with DeliveryFailed. */
export function postSigned(target: string, headers: Record<string, string>, body: string, options: SendOptions = {}): Promise<number> {
  // A literal address never goes through the lookup: check it here. Names, localhost too, are checked when connecting.
  if (isRefusedLiteral(target)) return Promise.reject(new DeliveryFailed(PRIVATE_TARGET_REFUSED));
  const timeoutMs = options.timeoutMs ?? ATTEMPT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const request = https.request(
      new URL(target),
      {
        method: "POST",
        headers: { ...headers, "content-length": Buffer.byteLength(body), "user-agent": "SandboxPortal-Webhooks/1" },
        lookup: options.lookup ?? defaultLookup,
        signal: AbortSignal.timeout(timeoutMs),
        // Node's `ca` replaces the authorities it trusts: the extra ones go with its own.
        ...(options.ca ? { ca: trustedAuthorities(options.ca) } : {}),
        agent: false,
      },
      (response) => {
        let read = 0;
        response.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) response.destroy();
        });
        response.on("close", () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(status);
          else reject(new DeliveryFailed(status >= 300 && status < 400 ? `The endpoint answered HTTP ${status} (a redirect, which is not followed).` : `The endpoint answered HTTP ${status}.`, status));
        });
      },
    );
    request.on("error", (error) => {
      if ((error as { name?: string }).name === "AbortError" || (error as { code?: string }).code === "ABORT_ERR") {
        const seconds = Math.max(1, Math.round(timeoutMs / 1000));
        reject(new DeliveryFailed(`The endpoint did not answer within ${seconds} second${seconds === 1 ? "" : "s"}.`));
      } else reject(new DeliveryFailed(plainReason(error)));
    });
    request.end(body);
  });
}
