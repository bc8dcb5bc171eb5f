/**
 * Rule 18's refusal of a production it cannot pseudonymise within its bounds, in the
 * customer's words: what is beyond them, and the two ways on. Every bound says it alike.
 */
import { SanitizationError } from "../errors";

/** `reason`: what is too large ("A row of ticket_message is larger than 32.0 MB: too large to pseudonymise"). */
export function cannotPseudonymise(reason: string, fix = "shorten it"): SanitizationError {
  return new SanitizationError("COPY_FAILED", `${reason}. Copy with personal data kept as in production, or ${fix}.`);
}
