/**
 * Time-based one-time codes (RFC 6238) through otplib: 6 digits, 30-second
 * steps, HMAC-SHA1, what every authenticator app speaks. Plain TypeScript: the
 * sign-in check, the CLI, the seed and the tests share it.
 */
import { generate, generateSecret, generateURI, verify } from "otplib";

const TOTP_ISSUER = "Sandbox Portal";
const STEP_SECONDS = 30;

/** A fresh base32 secret of 160 bits (RFC 4226's recommended length). */
export function newTotpSecret(): string {
  return generateSecret();
}

/** What an authenticator app scans or opens: otpauth://totp/Sandbox%20Portal:<e-mail>?secret=… */
export function totpUri(secret: string, email: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret });
}

export const looksLikeTotpCode = (code: string): boolean => /^\d{6}$/.test(code);

/**
 * The time step `code` belongs to when it is valid now (one step either side
 * for clock drift) and later than `afterStep`, the last step accepted: each
 * code signs in once (RFC 6238 §5.2). Null otherwise.
 */
export async function acceptedTimeStep(secret: string, code: string, afterStep: number | null): Promise<number | null> {
  if (!looksLikeTotpCode(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epochTolerance: STEP_SECONDS,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  // otplib's result type also covers HOTP, whose results have no time step.
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

/** The code for a moment (unix seconds): for the demo accounts' helper and tests. */
export function totpCode(secret: string, epochSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  return generate({ secret, epoch: epochSeconds });
}

export const timeStepOf = (epochSeconds: number): number => Math.floor(epochSeconds / STEP_SECONDS);
