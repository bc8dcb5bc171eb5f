/** Words the account page and the server share: here, apart from server code, so the page can tell one refusal from another. */

/** An offered key that can no longer be confirmed (two-factor-offer.ts): the page begins again. */
export const OFFER_GONE = "This set-up is no longer valid (it is over 15 minutes old, or another one replaced it). Start again.";
