/**
 * A key offered to a person's authenticator app, before it is theirs: sealed with their
 * account and an expiry, handed to the page, and taken back only as it was sealed. Nothing
 * is stored until the person confirms it (two-factor-setup.ts turns two-factor on with it,
 * two-factor-manage.ts moves it to a new phone), so an offer left unconfirmed costs nothing,
 * and the page can never swap in a key of its own making.
 */
import { AppError } from "../errors";
import { openSecret, sealSecret } from "../secrets/secret-box";
import type { Actor } from "./policy";
import { acceptedTimeStep, newTotpSecret, totpUri } from "./totp";
import { OFFER_GONE } from "./two-factor-words";

const OFFER_MINUTES = 15;

interface Offer {
  secret: string;
  userId: string;
  expiresAt: number;
}

/** A fresh secret for the person's app, the link that adds it, and the sealed offer the page hands back. */
export function makeOffer(actor: Actor, now = Date.now()): { secret: string; uri: string; offer: string } {
  const secret = newTotpSecret();
  const offer: Offer = { secret, userId: actor.id, expiresAt: now + OFFER_MINUTES * 60_000 };
  return { secret, uri: totpUri(secret, actor.email), offer: sealSecret(JSON.stringify(offer)) };
}

/** The secret of an offer made to this account and not expired; CONFLICT otherwise. */
export function offeredSecret(actor: Actor, sealed: string, now: number): string {
  let offer: Partial<Offer>;
  try {
    offer = JSON.parse(openSecret(sealed)) as Partial<Offer>;
  } catch {
    throw new AppError("CONFLICT", OFFER_GONE);
  }
  if (offer.userId !== actor.id || typeof offer.secret !== "string" || !(Number(offer.expiresAt) > now)) throw new AppError("CONFLICT", OFFER_GONE);
  return offer.secret;
}

/** The code typed from the app that holds `secret`: its time step, or INVALID_INPUT on `code`. */
export async function offeredCodeStep(secret: string, code: string): Promise<number> {
  const step = await acceptedTimeStep(secret, code, null);
  if (step === null) {
    throw new AppError("INVALID_INPUT", undefined, { code: ["That code is not the one your app shows now. Check that the app has the key above, and type its current code."] });
  }
  return step;
}
